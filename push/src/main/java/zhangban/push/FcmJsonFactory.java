package zhangban.push;

import com.fasterxml.jackson.core.JsonEncoding;
import com.google.api.client.json.JsonFactory;
import com.google.api.client.json.JsonGenerator;
import com.google.api.client.json.JsonParser;
import com.google.api.client.json.jackson2.JacksonFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Reader;
import java.io.Writer;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.Charset;
import java.util.function.Consumer;

/**
 * The Firebase Admin SDK's JSON, written by Jackson exactly as the SDK's default {@link JacksonFactory}
 * writes it (same Jackson settings, same calls), with one difference: it can keep the bytes of a
 * request body it writes.
 *
 * <p>The SDK serialises every request body twice: once to count its length, once to send it. The
 * transport arms {@link #keepNextBody} on the sending thread when the SDK asks it for a request,
 * which the SDK does just before counting that request's body; the body written next on that
 * thread, the counted one, is handed to the transport, which sends those bytes instead of
 * serialising again. Parsing is the default factory's.
 */
final class FcmJsonFactory extends JsonFactory {
  private final JacksonFactory parsers = JacksonFactory.getDefaultInstance();
  private final com.fasterxml.jackson.core.JsonFactory jackson = new com.fasterxml.jackson.core.JsonFactory()
      .configure(com.fasterxml.jackson.core.JsonGenerator.Feature.AUTO_CLOSE_JSON_CONTENT, false);
  private final ThreadLocal<Consumer<byte[]>> keeper = new ThreadLocal<>();

  /** The next body written on this thread goes to {@code receiver} as well (once, when it is complete). */
  void keepNextBody(Consumer<byte[]> receiver) {
    keeper.set(receiver);
  }

  /** Disarms {@link #keepNextBody} if {@code receiver} is still waiting on this thread. */
  void forget(Consumer<byte[]> receiver) {
    if (keeper.get() == receiver) {
      keeper.remove();
    }
  }

  @Override
  public JsonGenerator createJsonGenerator(OutputStream out, Charset enc) throws IOException {
    Consumer<byte[]> receiver = keeper.get();
    if (receiver == null) {
      return new Generator(jackson.createGenerator(out, JsonEncoding.UTF8), null, null, null);
    }
    keeper.remove();
    ByteArrayOutputStream copy = new ByteArrayOutputStream(1024);
    return new Generator(jackson.createGenerator(copy, JsonEncoding.UTF8), copy, out, receiver);
  }

  @Override
  public JsonGenerator createJsonGenerator(Writer writer) throws IOException {
    return new Generator(jackson.createGenerator(writer), null, null, null);
  }

  @Override
  public JsonParser createJsonParser(InputStream in) throws IOException {
    return parsers.createJsonParser(in);
  }

  @Override
  public JsonParser createJsonParser(InputStream in, Charset charset) throws IOException {
    return parsers.createJsonParser(in, charset);
  }

  @Override
  public JsonParser createJsonParser(String value) throws IOException {
    return parsers.createJsonParser(value);
  }

  @Override
  public JsonParser createJsonParser(Reader reader) throws IOException {
    return parsers.createJsonParser(reader);
  }

  /**
   * Delegates to Jackson as the SDK's own generator does. A kept body is written to a buffer; the
   * SDK's last call on a body is {@code flush()}, which closes the Jackson generator (returning its
   * buffers for reuse), passes the bytes on to the stream the SDK gave and hands them to the receiver.
   */
  private final class Generator extends JsonGenerator {
    private final com.fasterxml.jackson.core.JsonGenerator g;
    private final ByteArrayOutputStream copy;
    private final OutputStream out;
    private final Consumer<byte[]> receiver;

    Generator(com.fasterxml.jackson.core.JsonGenerator g, ByteArrayOutputStream copy, OutputStream out,
              Consumer<byte[]> receiver) {
      this.g = g;
      this.copy = copy;
      this.out = out;
      this.receiver = receiver;
    }

    @Override public JsonFactory getFactory() { return FcmJsonFactory.this; }

    @Override
    public void flush() throws IOException {
      if (copy == null) {
        g.flush();
        return;
      }
      g.close();
      byte[] body = copy.toByteArray();
      out.write(body);
      out.flush();
      receiver.accept(body);
    }

    @Override
    public void close() throws IOException {
      if (copy == null) {
        g.close();
      } else if (!g.isClosed()) {
        flush();
      }
    }

    @Override public void writeStartArray() throws IOException { g.writeStartArray(); }
    @Override public void writeEndArray() throws IOException { g.writeEndArray(); }
    @Override public void writeStartObject() throws IOException { g.writeStartObject(); }
    @Override public void writeEndObject() throws IOException { g.writeEndObject(); }
    @Override public void writeFieldName(String name) throws IOException { g.writeFieldName(name); }
    @Override public void writeNull() throws IOException { g.writeNull(); }
    @Override public void writeString(String value) throws IOException { g.writeString(value); }
    @Override public void writeBoolean(boolean state) throws IOException { g.writeBoolean(state); }
    @Override public void writeNumber(int v) throws IOException { g.writeNumber(v); }
    @Override public void writeNumber(long v) throws IOException { g.writeNumber(v); }
    @Override public void writeNumber(BigInteger v) throws IOException { g.writeNumber(v); }
    @Override public void writeNumber(float v) throws IOException { g.writeNumber(v); }
    @Override public void writeNumber(double v) throws IOException { g.writeNumber(v); }
    @Override public void writeNumber(BigDecimal v) throws IOException { g.writeNumber(v); }
    @Override public void writeNumber(String encoded) throws IOException { g.writeNumber(encoded); }
    @Override public void enablePrettyPrint() throws IOException { g.useDefaultPrettyPrinter(); }
  }
}
