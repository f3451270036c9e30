package io.pullproof.ledger.model;

import java.util.List;

/**
 * One page of a listing.
 *
 * @param nextCursor where the next page starts; null on the last page
 */
public record Page<T>(List<T> items, PageCursor nextCursor) {
  public Page {
    items = List.copyOf(items);
  }
}
