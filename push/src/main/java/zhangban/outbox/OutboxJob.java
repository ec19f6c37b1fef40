package zhangban.outbox;

/** A claimed row of an outbox table: its id and how many times it has been claimed, this time included. */
public interface OutboxJob {
  long id();

  int attempts();
}
