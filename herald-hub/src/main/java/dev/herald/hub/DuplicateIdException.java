package dev.herald.hub;

/**
 * An append refused, as a whole, because an event's publisher-chosen id (Mercure's {@code id}
 * field) is already the id of a retained event, or is given twice in the batch: nothing of the
 * batch was stored. A {@link HistoryStore} completes such an append with it; the hub answers
 * {@code 409}. Unchecked.
 */
public final class DuplicateIdException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String id;

  /** The publisher-chosen id {@code id} is taken. */
  public DuplicateIdException(String id) {
    super("the event id '" + SubscribeHandler.echo(id) + "' is already taken by an event in the history");
    this.id = id;
  }

  /** The id that is taken. */
  public String id() {
    return id;
  }
}
