package io.pullproof.cli.agent;

import io.pullproof.agent.cri.CriProxyConfig;
import io.pullproof.cli.SettingsOptions;
import io.pullproof.agent.cri.CriProxyMain;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code pullproof cri-proxy --config FILE}: runs the node agent as the kubelet's CRI endpoint in
 * the foreground until SIGTERM/SIGINT. Install and roll back: {@code docs/node-integration.md}.
 */
@Command(
    name = "cri-proxy",
    mixinStandardHelpOptions = true,
    description = {
        "Run the node agent as a CRI v1 proxy in front of containerd (the kubelet's --container-runtime-endpoint).",
        "FILE is a properties file of PULLPROOF_* settings (the agent's and PULLPROOF_CRI_*); environment overrides it.",
        "Exit code 2 names a bad setting on stderr; 1 means it failed to start (runtime not CRI v1, Kafka, API)."})
public final class CriProxyCommand implements Callable<Integer> {
  @Mixin
  SettingsOptions settings;

  @Override
  public Integer call() {
    return settings.run(CriProxyConfig.KEYS, CriProxyMain::run);
  }
}
