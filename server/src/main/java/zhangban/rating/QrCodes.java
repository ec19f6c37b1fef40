package zhangban.rating;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.client.j2se.MatrixToImageWriter;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;

/**
 * QR codes of rating links, encoded by ZXing: PNG by its image writer, SVG as one path of the
 * same modules. Error correction M (15 %) survives a creased receipt or a glare on a screen.
 */
final class QrCodes {
  record Image(String contentType, Buffer bytes) {}

  private static final Map<EncodeHintType, Object> HINTS = Map.of(
      EncodeHintType.ERROR_CORRECTION, ErrorCorrectionLevel.M,
      EncodeHintType.CHARACTER_SET, "UTF-8",
      EncodeHintType.MARGIN, 4);

  private QrCodes() {}

  static Image png(String text, int size) {
    try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
      MatrixToImageWriter.writeToStream(matrix(text, size), "PNG", out);
      return new Image("image/png", Buffer.buffer(out.toByteArray()));
    } catch (IOException e) {
      throw new IllegalStateException("Writing a PNG to memory failed", e);
    }
  }

  /** Each dark module a unit square of one path, scaled to {@code size}. */
  static Image svg(String text, int size) {
    BitMatrix m = matrix(text, 0);
    StringBuilder path = new StringBuilder();
    for (int y = 0; y < m.getHeight(); y++) {
      for (int x = 0; x < m.getWidth(); x++) {
        if (m.get(x, y)) {
          path.append('M').append(x).append(' ').append(y).append("h1v1h-1z");
        }
      }
    }
    String svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + size + "\" height=\"" + size
        + "\" viewBox=\"0 0 " + m.getWidth() + " " + m.getHeight() + "\" shape-rendering=\"crispEdges\">"
        + "<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/><path fill=\"#000\" d=\"" + path + "\"/></svg>";
    return new Image("image/svg+xml", Buffer.buffer(svg));
  }

  private static BitMatrix matrix(String text, int size) {
    try {
      return new QRCodeWriter().encode(text, BarcodeFormat.QR_CODE, size, size, HINTS);
    } catch (WriterException e) {
      throw new IllegalStateException("A rating link's URL always fits a QR code", e);
    }
  }
}
