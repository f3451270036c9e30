{{/*
Names. Kubernetes names are at most 63 characters (DNS labels); the component suffix is kept
whole and the release part is cut instead, so two components never collapse into one name.
*/}}
{{- define "pullproof.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "pullproof.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* A component's resource name: (dict "root" $ "component" "ledger") → <fullname>-ledger. */}}
{{- define "pullproof.componentName" -}}
{{- $prefix := include "pullproof.fullname" .root | trunc (int (sub 62 (len .component))) | trimSuffix "-" -}}
{{- printf "%s-%s" $prefix .component -}}
{{- end -}}

{{- define "pullproof.selectorLabels" -}}
app.kubernetes.io/name: {{ include "pullproof.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "pullproof.labels" -}}
{{ include "pullproof.selectorLabels" . }}
app.kubernetes.io/part-of: pullproof
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version | replace "+" "_" | trunc 63 }}
{{- end -}}

{{/* (dict "root" $ "image" .Values.ledger.image) → registry/name:tag */}}
{{- define "pullproof.image" -}}
{{- printf "%s/%s:%s" .root.Values.image.registry .image.name (default .root.Chart.AppVersion .root.Values.image.tag) -}}
{{- end -}}

{{/* Settings every service reads the same way; rendered into each component's ConfigMap. */}}
{{- define "pullproof.kafkaSettings" -}}
PULLPROOF_KAFKA_BOOTSTRAP: {{ .Values.kafka.bootstrap | quote }}
PULLPROOF_SCHEMA_REGISTRY_URL: {{ .Values.schemaRegistry.url | quote }}
PULLPROOF_TOPIC_PREFIX: {{ .Values.kafka.topicPrefix | quote }}
{{- end -}}

{{/* Secret settings by reference: env entries with secretKeyRef, never a literal value. */}}
{{- define "pullproof.kafkaPropertiesEnv" -}}
{{- if .Values.kafka.propertiesSecret.name }}
- name: PULLPROOF_KAFKA_PROPERTIES
  valueFrom:
    secretKeyRef:
      name: {{ .Values.kafka.propertiesSecret.name }}
      key: {{ .Values.kafka.propertiesSecret.key }}
{{- end }}
{{- end -}}

{{/* (dict "secret" .credentialsSecret "prefix" "PULLPROOF_LEDGER_DB") → user and password env */}}
{{- define "pullproof.databaseCredentialsEnv" -}}
{{- if .secret.name }}
- name: {{ .prefix }}_USER
  valueFrom:
    secretKeyRef:
      name: {{ .secret.name }}
      key: {{ .secret.userKey }}
- name: {{ .prefix }}_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ .secret.name }}
      key: {{ .secret.passwordKey }}
{{- end }}
{{- end -}}

{{/* The JVM's own variable (not a Pullproof setting); (dict "root" $ "kafkaJaas" true) adds the JAAS file. */}}
{{- define "pullproof.javaEnv" -}}
{{- $options := .root.Values.javaOptions -}}
{{- if and .kafkaJaas .root.Values.kafka.jaasSecret.name -}}
{{- $options = printf "%s -Djava.security.auth.login.config=/etc/pullproof/kafka-jaas/jaas.conf" $options -}}
{{- end -}}
- name: JAVA_TOOL_OPTIONS
  value: {{ $options | quote }}
{{- end -}}

{{/* The JAAS file of kafka.jaasSecret: volume and mount (every component that talks to Kafka). */}}
{{- define "pullproof.kafkaJaasMount" -}}
{{- if .Values.kafka.jaasSecret.name }}
- name: kafka-jaas
  mountPath: /etc/pullproof/kafka-jaas
  readOnly: true
{{- end }}
{{- end -}}

{{- define "pullproof.kafkaJaasVolume" -}}
{{- if .Values.kafka.jaasSecret.name }}
- name: kafka-jaas
  secret:
    secretName: {{ .Values.kafka.jaasSecret.name }}
    defaultMode: 0440
    items:
      - key: {{ .Values.kafka.jaasSecret.key }}
        path: jaas.conf
{{- end }}
{{- end -}}

{{- define "pullproof.podSecurityContext" -}}
securityContext:
  {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- end -}}

{{- define "pullproof.containerSecurityContext" -}}
securityContext:
  {{- toYaml .Values.containerSecurityContext | nindent 2 }}
{{- end -}}

{{- define "pullproof.imagePullSecrets" -}}
{{- with .Values.image.pullSecrets }}
imagePullSecrets:
  {{- range . }}
  - name: {{ . }}
  {{- end }}
{{- end }}
{{- end -}}

{{/* The root file system is read-only; the JVM and Vert.x write temporary files here. */}}
{{- define "pullproof.tmpVolume" -}}
- name: tmp
  emptyDir:
    sizeLimit: 64Mi
{{- end -}}

{{- define "pullproof.tmpMount" -}}
- name: tmp
  mountPath: /tmp
{{- end -}}

{{/*
Probes on the service-kit HealthServer (libs/service-kit): /health/live answers while the process
runs, /health/ready only when every dependency check passes. The named port is the health port
the container's PULLPROOF_*HEALTH_PORT setting opens. The health server starts last, after
migrations and state loading, so a startup probe carries the slow start.
(dict "startupSeconds" 300)
*/}}
{{- define "pullproof.probes" -}}
{{- if (hasKey . "liveness" | ternary .liveness true) }}
startupProbe:
  httpGet:
    path: /health/live
    port: health
  periodSeconds: 5
  failureThreshold: {{ div .startupSeconds 5 }}
livenessProbe:
  httpGet:
    path: /health/live
    port: health
  periodSeconds: 10
  timeoutSeconds: 3
  failureThreshold: 3
{{- end }}
readinessProbe:
  httpGet:
    path: /health/ready
    port: health
  periodSeconds: 5
  timeoutSeconds: 3
  failureThreshold: 2
{{- end -}}

{{/* Spread replicas over nodes unless the user gave an affinity. */}}
{{- define "pullproof.affinity" -}}
{{- if .affinity }}
affinity:
  {{- toYaml .affinity | nindent 2 }}
{{- else }}
affinity:
  podAntiAffinity:
    preferredDuringSchedulingIgnoredDuringExecution:
      - weight: 100
        podAffinityTerm:
          topologyKey: kubernetes.io/hostname
          labelSelector:
            matchLabels:
              {{- include "pullproof.selectorLabels" . | nindent 14 }}
{{- end }}
{{- end -}}

{{/* Peers allowed on the health/metrics port; empty = this namespace's pods. */}}
{{- define "pullproof.metricsPeers" -}}
{{- if .Values.networkPolicy.metricsFrom -}}
{{ toYaml .Values.networkPolicy.metricsFrom }}
{{- else -}}
- podSelector: {}
{{- end -}}
{{- end -}}
