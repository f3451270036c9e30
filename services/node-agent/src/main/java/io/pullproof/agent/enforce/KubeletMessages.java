package io.pullproof.agent.enforce;

/**
 * The kubelet's own wording of image errors ({@code pkg/kubelet/images/image_manager.go}), so a
 * pod blocked by Pullproof looks exactly like one the kubelet blocked itself. In particular a
 * REPULL under {@code imagePullPolicy: Never} uses the "not present" message: saying the image is
 * present without the right credentials would tell a tenant what another tenant runs.
 */
public final class KubeletMessages {
  /** {@code ErrImageNeverPull}: the container status reason. */
  public static final String ERR_IMAGE_NEVER_PULL = "ErrImageNeverPull";
  /** {@code ErrImagePull}: the container status reason. */
  public static final String ERR_IMAGE_PULL = "ErrImagePull";

  private KubeletMessages() {}

  /** {@code fmt.Sprintf("Container image %q is not present with pull policy of Never", container.Image)}. */
  public static String neverPull(String image) {
    return "Container image " + goQuote(image) + " is not present with pull policy of Never";
  }

  /** {@code fmt.Sprintf("Failed to pull image %q: %v", container.Image, err)}. */
  public static String pullFailed(String image, String error) {
    return "Failed to pull image " + goQuote(image) + ": " + error;
  }

  /**
   * Go's {@code %q} for the strings an image can hold: double quotes with {@code "} and {@code \}
   * escaped and control characters as Go escapes them ({@code strconv.Quote}).
   */
  static String goQuote(String text) {
    StringBuilder out = new StringBuilder(text.length() + 2).append('"');
    text.codePoints().forEach(c -> {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\t' -> out.append("\\t");
        case '\r' -> out.append("\\r");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            out.append(String.format("\\x%02x", c));
          } else {
            out.appendCodePoint(c);
          }
        }
      }
    });
    return out.append('"').toString();
  }
}
