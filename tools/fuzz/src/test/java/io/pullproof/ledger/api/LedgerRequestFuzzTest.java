package io.pullproof.ledger.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.pullproof.ledger.model.InvalidFieldException;
import io.pullproof.ledger.model.NewRevocation;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The ledger API's request parsing, without a server: the query string of every listing, decoded
 * as Vert.x's {@code RoutingContext.queryParams()} does, and the body of a revocation. The input is
 * text: a first line naming the endpoint ({@code grants}, {@code starts}, {@code revocations},
 * {@code stats}, {@code revoke}), the rest the query string or body. A request is accepted or
 * refused with an {@link ApiError} that names the parameter or field at fault; nothing else
 * escapes (anything else would be a 500).
 */
class LedgerRequestFuzzTest {
  private static final int MAX_PAGE = 500;

  @FuzzTest
  void acceptsOrNamesTheBadParameter(byte[] input) {
    String text = new String(input, StandardCharsets.UTF_8);
    int newline = text.indexOf('\n');
    String endpoint = newline < 0 ? text : text.substring(0, newline);
    String rest = newline < 0 ? "" : text.substring(newline + 1);
    if (endpoint.equals("revoke")) {
      revocation(rest.getBytes(StandardCharsets.UTF_8));
      return;
    }
    Set<String> allowed = switch (endpoint) {
      case "grants" -> LedgerRoutes.GRANT_PARAMS;
      case "starts" -> LedgerRoutes.START_PARAMS;
      case "revocations" -> LedgerRoutes.PAGE_PARAMS;
      default -> Set.of();
    };
    MultiMap params;
    try {
      params = queryParams("/api/v1/x?" + rest);
    } catch (IllegalArgumentException e) {
      return; // Vert.x answers 400 itself for a query it cannot decode (bad %-escape)
    }
    try {
      QueryParams q = new QueryParams(params, allowed);
      if (allowed == LedgerRoutes.GRANT_PARAMS) {
        LedgerRoutes.grantFilter(q);
      } else if (allowed == LedgerRoutes.START_PARAMS) {
        LedgerRoutes.startFilter(q);
      }
      if (allowed.contains("limit")) {
        assertThat(q.limit(100, MAX_PAGE)).isBetween(1, MAX_PAGE);
        q.cursor();
      }
    } catch (ApiError e) {
      // A parameter that was given (unknown, repeated, malformed) or one the given ones need.
      Set<String> named = new java.util.HashSet<>(params.names());
      named.addAll(allowed);
      assertNamesOneOf(e, Reason.INVALID_PARAMETER, named);
    } catch (InvalidFieldException e) {
      // LedgerRoutes maps it to ApiError.parameter(field, ...): e.g. "until" before "since", "namespace" for "pod".
      assertThat(allowed).contains(e.field());
    }
  }

  private static void revocation(byte[] body) {
    NewRevocation request;
    try {
      request = LedgerRoutes.revocationRequest("application/json", Buffer.buffer(body));
    } catch (ApiError e) {
      assertThat(e.reason()).isEqualTo(Reason.INVALID_BODY);
      String field = e.toProblem("/").getString("parameter");
      if (field != null) {
        assertThat(field).isIn(fieldsOf(body));
      }
      return;
    }
    assertThat(request.scope()).isNotNull();
    assertThat(request.value()).isNotBlank().hasSizeLessThanOrEqualTo(512);
    assertThat(request.reason()).isNotBlank().hasSizeLessThanOrEqualTo(2000);
  }

  /** The body's field names plus the required ones (a missing field is named too). */
  private static Set<String> fieldsOf(byte[] body) {
    Set<String> fields = new java.util.HashSet<>(List.of("scope", "value", "reason"));
    try {
      fields.addAll(new JsonObject(Buffer.buffer(body)).fieldNames());
    } catch (RuntimeException e) {
      // not an object: only required fields can be named
    }
    return fields;
  }

  private static void assertNamesOneOf(ApiError e, Reason reason, Set<String> names) {
    assertThat(e.reason()).isEqualTo(reason);
    String parameter = e.toProblem("/").getString("parameter");
    assertThat(parameter).as("ApiError names the parameter: %s", e.getMessage()).isNotNull();
    Set<String> lower = new java.util.HashSet<>();
    names.forEach(n -> lower.add(n.toLowerCase(Locale.ROOT)));
    assertThat(lower).contains(parameter.toLowerCase(Locale.ROOT));
  }

  /** As Vert.x 5's {@code RoutingContextImpl.queryParams()}: Netty's decoder into a case-insensitive map. */
  private static MultiMap queryParams(String uri) {
    MultiMap params = MultiMap.caseInsensitiveMultiMap();
    new QueryStringDecoder(uri).parameters().forEach(params::add);
    return params;
  }
}
