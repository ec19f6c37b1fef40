package zhangban.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/**
 * A look at a JSON body's shape before the contract validator runs: an object with more members
 * than any body of this contract has is refused at once, instead of the validator spending half
 * a second of CPU on a megabyte of unknown properties (one error each). One streaming pass, which
 * stops at the first object over the limit.
 */
final class JsonShape {
  /** More members than any object of the contract holds (its largest forms have a few dozen). */
  static final int MAX_OBJECT_MEMBERS = 1000;
  private static final JsonFactory FACTORY = new JsonFactory();

  private JsonShape() {}

  /** One open object or array: its pointer, whether it is an array, members or items seen. */
  private static final class Frame {
    final String pointer;
    final boolean array;
    int count;
    String name;

    Frame(String pointer, boolean array) {
      this.pointer = pointer;
      this.array = array;
    }

    String child() {
      return pointer + "/" + (array ? String.valueOf(count - 1) : name.replace("~", "~0").replace("/", "~1"));
    }
  }

  /** The pointer of the first object with more than {@code limit} members; empty when none, or not JSON. */
  static Optional<String> objectWithMoreMembersThan(byte[] json, int limit) {
    try (JsonParser parser = FACTORY.createParser(json)) {
      Deque<Frame> open = new ArrayDeque<>();
      JsonToken token;
      while ((token = parser.nextToken()) != null) {
        Frame parent = open.peek();
        if (token == JsonToken.FIELD_NAME) {
          parent.name = parser.currentName();
          if (++parent.count > limit) {
            return Optional.of(parent.pointer.isEmpty() ? "/" : parent.pointer);
          }
          continue;
        }
        if (token == JsonToken.END_OBJECT || token == JsonToken.END_ARRAY) {
          open.pop();
          continue;
        }
        if (parent != null && parent.array) {
          parent.count++;
        }
        String pointer = parent == null ? "" : parent.child();
        if (token == JsonToken.START_OBJECT) {
          open.push(new Frame(pointer, false));
        } else if (token == JsonToken.START_ARRAY) {
          open.push(new Frame(pointer, true));
        }
      }
      return Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.empty(); // not JSON: the validator says so
    }
  }
}
