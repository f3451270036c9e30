package io.pullproof.cli.ref;

import io.pullproof.cli.PullproofCommand;
import io.pullproof.reference.ImageReference;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code pullproof ref normalize IMAGE}: one JSON object with the normalised parts. */
@Command(
    name = "normalize",
    mixinStandardHelpOptions = true,
    description = {
        "Print IMAGE normalised (nginx -> docker.io/library/nginx:latest) as one JSON object:",
        "name (domain/path), tag and digest (null when absent), domain, path.",
        "Exit code 2, with the problem on stderr, when IMAGE is not a valid reference."})
public final class RefNormalizeCommand implements Callable<Integer> {
  @Mixin
  ImageParameter image;

  @Override
  public Integer call() throws Exception {
    ImageReference ref = image.parse();
    image.print(ImageParameter.JSON.createObjectNode()
        .put("name", ref.name())
        .put("tag", ref.tag())
        .put("digest", ref.digest())
        .put("domain", ref.domain())
        .put("path", ref.path()));
    return PullproofCommand.EXIT_OK;
  }
}
