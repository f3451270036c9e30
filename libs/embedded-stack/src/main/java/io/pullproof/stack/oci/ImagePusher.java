package io.pullproof.stack.oci;

import io.pullproof.oci.RegistryClient;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Pushes a {@link TinyImage} over the registry HTTP API, no Docker or skopeo needed: for each blob
 * {@code POST /v2/NAME/blobs/uploads/} then {@code PUT <Location>?digest=...} (a monolithic
 * upload), then {@code PUT /v2/NAME/manifests/TAG}. Authentication is the client's: it answers
 * the Bearer or Basic challenge, so its user needs push on the repository.
 */
public final class ImagePusher {
  private final RegistryClient client;

  public ImagePusher(RegistryClient client) {
    this.client = client;
  }

  /** Pushes {@code TinyImage.of(repository, tag)}; returns the manifest digest the registry reports. */
  public String push(String repository, String tag) {
    return push(repository, tag, TinyImage.of(repository, tag));
  }

  public String push(String repository, String tag, TinyImage image) {
    for (TinyImage.Blob blob : List.of(image.layer(), image.config())) {
      upload(repository, blob);
    }
    HttpResponse<byte[]> stored = expect(201, "manifest upload to " + repository + ":" + tag,
        client.send(client.request("/v2/" + repository + "/manifests/" + tag)
            .header("Content-Type", image.manifest().mediaType())
            .PUT(HttpRequest.BodyPublishers.ofByteArray(image.manifest().content()))
            .build()));
    return stored.headers().firstValue("Docker-Content-Digest").orElseThrow(() -> new IllegalStateException(
        "registry stored " + repository + ":" + tag + " but sent no Docker-Content-Digest"));
  }

  private void upload(String repository, TinyImage.Blob blob) {
    String step = "upload of " + blob.digest() + " to " + repository;
    HttpResponse<byte[]> started = expect(202, step + " (start)",
        client.send(client.request("/v2/" + repository + "/blobs/uploads/")
            .POST(HttpRequest.BodyPublishers.noBody())
            .build()));
    String location = started.headers().firstValue("Location")
        .orElseThrow(() -> new IllegalStateException(step + ": registry sent no Location"));
    URI session = client.baseUri().resolve(location);
    String separator = session.getRawQuery() == null ? "?" : "&";
    URI target = URI.create(session + separator + "digest=" + URLEncoder.encode(blob.digest(), StandardCharsets.UTF_8));
    expect(201, step, client.send(client.request(target)
        .header("Content-Type", "application/octet-stream")
        .PUT(HttpRequest.BodyPublishers.ofByteArray(blob.content()))
        .build()));
  }

  private static HttpResponse<byte[]> expect(int status, String step, HttpResponse<byte[]> response) {
    if (response.statusCode() != status) {
      String body = new String(response.body(), StandardCharsets.UTF_8);
      throw new IllegalStateException(step + " failed: HTTP " + response.statusCode() + " (expected " + status + "): "
          + body.substring(0, Math.min(body.length(), 500)));
    }
    return response;
  }
}
