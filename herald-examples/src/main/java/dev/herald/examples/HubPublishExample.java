package dev.herald.examples;
// README-hub-publisher:begin
import dev.herald.client.HeraldClientException;
import dev.herald.client.HubPublishRejectedException;
import dev.herald.client.HubPublisher;
import dev.herald.client.HubUpdate;
import dev.herald.client.PublishResult;
import java.net.URI;
import java.util.List;

/** Publishes to a Herald hub: one update, then a batch; each retried safely, stored once. */
public class HubPublishExample {
  /** Publishes to the hub at {@code args[0]} (default {@code http://127.0.0.1:8080/}) with the key in HERALD_JWT_KEY, if set. */
  public static void main(String[] args) {
    URI hub = URI.create(args.length > 0 ? args[0] : "http://127.0.0.1:8080/");
    try {
      for (PublishResult result : publish(publisher(hub, System.getenv("HERALD_JWT_KEY")))) {
        System.out.println("published " + result.ids() + (result.replayed() ? " (a retry; stored once)" : ""));
      }
    } catch (HubPublishRejectedException e) {   // a 4xx: never retried
      System.err.println("refused: " + e.statusCode() + " " + e.hubMessage()
          + (e.isAuthorizationFailure() ? " (check the key and the token's topics)" : ""));
      System.exit(1);
    } catch (HeraldClientException e) {   // no answer, 408, 429, 5xx until the deadline
      System.err.println("failed: " + e.getMessage());
      System.exit(1);
    }
  }

  /** A publisher for {@code hub}: tokens minted from {@code key} (the hub's HMAC secret), none if it is null. */
  public static HubPublisher publisher(URI hub, String key) {
    HubPublisher.Builder builder = HubPublisher.toHerald(hub);
    if (key != null) {
      builder.hmacKey(key).tokenTopics(List.of("chat/*"));   // HS256 JWTs with mercure.publish ["chat/*"]
    }
    return builder.build();
  }

  /** One update and a batch (stored all or nothing) to the chat rooms. */
  public static List<PublishResult> publish(HubPublisher publisher) {
    PublishResult one = publisher.publish(HubUpdate.of("chat/room1", "hello from Java"));
    PublishResult batch = publisher.publish(List.of(
        HubUpdate.builder().topic("chat/room1").type("join").data("{\"user\":\"ada\"}").build(),
        HubUpdate.of("chat/room2", "hello, room 2")));
    return List.of(one, batch);
  }
}
// README-hub-publisher:end
