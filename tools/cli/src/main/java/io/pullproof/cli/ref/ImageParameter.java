package io.pullproof.cli.ref;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pullproof.cli.BadInputException;
import io.pullproof.reference.ImageReference;
import io.pullproof.reference.InvalidReferenceException;
import java.io.PrintWriter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The IMAGE parameter of every verb that takes an image reference, and the one-line JSON those
 * verbs print on the command's own output stream.
 */
public final class ImageParameter {
  /** Shared by the verbs; ObjectMapper is thread-safe once configured. */
  public static final ObjectMapper JSON = new ObjectMapper();

  @Spec(Spec.Target.MIXEE)
  CommandSpec mixee;

  @Parameters(index = "0", paramLabel = "IMAGE", description = "Image reference, e.g. nginx or quay.io/org/app:v1.")
  String image;

  /** The normalised reference; an invalid one is bad input (exit 2, problem on stderr). */
  public ImageReference parse() {
    try {
      return ImageReference.parse(image);
    } catch (InvalidReferenceException e) {
      throw new BadInputException(e.getMessage(), e);
    }
  }

  /** Prints {@code json} as one line on the command's output. */
  public void print(JsonNode json) throws JsonProcessingException {
    PrintWriter out = mixee.commandLine().getOut();
    out.println(JSON.writeValueAsString(json));
    out.flush();
  }
}
