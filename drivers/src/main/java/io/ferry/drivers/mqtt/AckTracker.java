package io.ferry.drivers.mqtt;

import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * Acknowledges messages of one connection in the order they arrived (MQTT 3.1.1 section 4.6
 * requires PUBACKs in PUBLISH order), each only once its samples were stored: a message whose
 * buffer write completed early waits for the ones before it. Also bounds how many messages wait
 * for the buffer, which is Ferry's back-pressure on the broker.
 */
final class AckTracker {
  /** One received message. */
  static final class Ticket {
    final int messageId;
    final int qos;
    private boolean done;

    Ticket(int messageId, int qos) {
      this.messageId = messageId;
      this.qos = qos;
    }
  }

  private final ArrayDeque<Ticket> queue = new ArrayDeque<>();
  private boolean open = true;

  synchronized Ticket register(int messageId, int qos) {
    Ticket t = new Ticket(messageId, qos);
    queue.addLast(t);
    return t;
  }

  /**
   * Marks a message as stored and acknowledges, through {@code ack}, every message from the
   * head of the queue that is stored. Runs {@code ack} under this tracker's lock so that two
   * completing threads cannot reorder acknowledgements.
   */
  synchronized void complete(Ticket ticket, Consumer<Ticket> ack) {
    ticket.done = true;
    while (!queue.isEmpty() && queue.peekFirst().done) {
      Ticket head = queue.pollFirst();
      if (open) {
        ack.accept(head);
      }
    }
    notifyAll();
  }

  /** Messages received and not yet acknowledged. */
  synchronized int pending() {
    return queue.size();
  }

  /** Waits up to {@code millis} while {@code max} or more messages are pending. True when there is room. */
  synchronized boolean awaitRoom(int max, long millis) throws InterruptedException {
    if (open && queue.size() >= max) {
      wait(millis);
    }
    return queue.size() < max;
  }

  /** The connection ended: acknowledge nothing more (the broker redelivers) and wake waiters. */
  synchronized void shut() {
    open = false;
    notifyAll();
  }

  synchronized boolean isOpen() {
    return open;
  }
}
