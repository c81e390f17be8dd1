package dev.herald.hub;

/**
 * An append refused, as a whole, because an event's publisher-chosen id (Mercure's {@code id}
 * field) is already the id of a retained event, or is given twice in the batch: nothing of the
 * batch was stored. The hub answers it with {@code 409}.
 */
final class DuplicateIdException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String id;

  DuplicateIdException(String id) {
    super("the event id '" + SubscribeHandler.echo(id) + "' is already taken by an event in the history");
    this.id = id;
  }

  /** The id that is taken. */
  String id() {
    return id;
  }
}
