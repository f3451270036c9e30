package io.pullproof.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pullproof.agent.AgentMetrics;
import io.pullproof.decisionservice.DecisionMetrics;
import io.pullproof.kafka.ConsumerLoopMeters;
import io.pullproof.ledger.LedgerMetrics;
import io.pullproof.oci.ManifestCheck;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The chart's alerts query series the services really export: every metric name, label matcher
 * and grouping label in the PrometheusRule is found in a scrape of the services' own meters
 * (AgentMetrics, DecisionMetrics, LedgerMetrics, the consumer loop's), as Micrometer names them.
 */
class AlertRulesTest {
  private static final Pattern SELECTOR = Pattern.compile("(pullproof_[a-z0-9_]+)(\\{([^}]*)\\})?");
  private static final Pattern MATCHER = Pattern.compile("([a-z_]+)=\"([^\"]*)\"");
  private static final Pattern GROUPING = Pattern.compile("by \\(([^)]*)\\)");
  /** Labels Prometheus adds from the scrape target, not the service. */
  private static final Set<String> TARGET_LABELS = Set.of("namespace", "pod");

  @Test
  void everyAlertQueriesSeriesTheServicesExport() {
    String scrape = scrape();
    List<String> exprs = alertExpressions();
    assertThat(exprs).hasSizeGreaterThanOrEqualTo(4);
    for (String expr : exprs) {
      Matcher selector = SELECTOR.matcher(expr);
      List<String> metrics = new ArrayList<>();
      while (selector.find()) {
        String name = selector.group(1);
        metrics.add(name);
        List<String> series = scrape.lines().filter(l -> l.startsWith(name + "{") || l.startsWith(name + " ")).toList();
        assertThat(series).as("series %s in the scrape", name).isNotEmpty();
        if (selector.group(3) != null) {
          Matcher label = MATCHER.matcher(selector.group(3));
          while (label.find()) {
            String pair = label.group(1) + "=\"" + label.group(2) + "\"";
            assertThat(series).as("%s{%s}", name, pair).anyMatch(l -> l.contains(pair));
          }
        }
      }
      assertThat(metrics).as(expr).isNotEmpty();
      Matcher grouping = GROUPING.matcher(expr);
      while (grouping.find()) {
        for (String label : grouping.group(1).split(",")) {
          String l = label.trim();
          if (!TARGET_LABELS.contains(l)) {
            assertThat(metrics).as("grouping label %s in %s", l, expr)
                .allMatch(m -> scrape.lines().filter(s -> s.startsWith(m + "{")).anyMatch(s -> s.contains(l + "=\"")));
          }
        }
      }
    }
  }

  private static List<String> alertExpressions() {
    Manifest rule = ChartRendering.render(Optional.empty(), "metrics.prometheusRule.enabled", "true").stream()
        .filter(m -> m.kind().equals("PrometheusRule")).findFirst().orElseThrow();
    List<String> exprs = new ArrayList<>();
    for (JsonNode group : rule.at("/spec/groups")) {
      group.path("rules").forEach(r -> exprs.add(r.path("expr").asText()));
    }
    return exprs;
  }

  /** The meters each service registers, recorded once, in Prometheus text format. */
  private static String scrape() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    AgentMetrics agent = new AgentMetrics(registry);
    agent.verdictWait("timeout", Duration.ofMillis(1));
    agent.verdictWait("verdict", Duration.ofMillis(1));
    agent.registryCheck(ManifestCheck.Result.UNREACHABLE);
    agent.publishFailure("pullproof.pulls");
    new DecisionMetrics(registry);
    new LedgerMetrics(registry);
    ConsumerLoopMeters.record(registry, "ledger");
    return registry.scrape();
  }
}
