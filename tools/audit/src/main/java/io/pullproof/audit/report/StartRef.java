package io.pullproof.audit.report;

/**
 * Who started what, where: the facts every finding and timeline entry shares.
 *
 * @param image the normalised repository name
 * @param imageRef the digest, or {@code null} when the image was not present
 */
public record StartRef(String cluster, String node, String namespace, String pod, String container, String image,
    String imageRef) {}
