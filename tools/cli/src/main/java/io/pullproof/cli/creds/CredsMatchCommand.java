package io.pullproof.cli.creds;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.pullproof.cli.BadInputException;
import io.pullproof.cli.PullproofCommand;
import io.pullproof.cli.ref.ImageParameter;
import io.pullproof.credentials.CredentialSource;
import io.pullproof.credentials.DockerConfig;
import io.pullproof.credentials.DockerConfigException;
import io.pullproof.credentials.Keyring;
import io.pullproof.credentials.KeyringMatch;
import io.pullproof.reference.ImageReference;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code pullproof creds match --docker-config FILE IMAGE}: the entries of FILE the kubelet would
 * try for IMAGE, in its order, as a JSON array of {@code {"key", "username"}}. Passwords, auth
 * values and tokens are never printed.
 */
@Command(
    name = "match",
    mixinStandardHelpOptions = true,
    description = {
        "Print the entries of a docker config that the kubelet would use for IMAGE, most specific first,",
        "as a JSON array of {\"key\": <entry key as written>, \"username\": ...}; [] when none matches.",
        "FILE may be a config.json / .dockerconfigjson ({\"auths\": ...}) or a legacy .dockercfg.",
        "Exit code 2, with the problem on stderr, for a malformed FILE or an invalid IMAGE."})
public final class CredsMatchCommand implements Callable<Integer> {
  @Option(names = "--docker-config", required = true, paramLabel = "FILE",
      description = "Docker config file (config.json, .dockerconfigjson or .dockercfg).")
  Path dockerConfig;

  @Mixin
  ImageParameter image;

  @Override
  public Integer call() throws Exception {
    ImageReference ref = image.parse();
    CredentialSource source = new CredentialSource.NodeCredentials(dockerConfig.toString(), readConfig());
    ArrayNode matches = ImageParameter.JSON.createArrayNode();
    for (KeyringMatch match : Keyring.of(List.of(source)).lookup(ref)) {
      matches.addObject().put("key", match.entry().key()).put("username", match.entry().username());
    }
    image.print(matches);
    return PullproofCommand.EXIT_OK;
  }

  private DockerConfig readConfig() {
    String option = "--docker-config " + dockerConfig + ": ";
    try {
      return DockerConfig.parse(Files.readAllBytes(dockerConfig));
    } catch (NoSuchFileException e) {
      throw new BadInputException(option + "no such file", e);
    } catch (IOException e) {
      throw new BadInputException(option + "cannot be read (" + e + ")", e);
    } catch (DockerConfigException e) {
      throw new BadInputException(option + e.getMessage(), e);
    }
  }
}
