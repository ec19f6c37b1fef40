package zhangban.bulletin;

import com.openhtmltopdf.css.constants.IdentValue;
import com.openhtmltopdf.pdfboxout.PdfBoxRenderer;
import com.openhtmltopdf.pdfboxout.PdfRendererBuilder;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontFormatException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.data.category.DefaultCategoryDataset;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * A bulletin as a printable page and as a PDF: one document (a W3C DOM, so every name from the data
 * is text, never markup), its chart drawn server-side by JFreeChart as a PNG inside it, laid out by
 * openhtmltopdf with the CJK font embedded. Blocking: run it on a worker thread.
 */
public final class BulletinDocuments {
  /** The family the PDF's CSS names for the embedded CJK font. */
  private static final String FAMILY = "BulletinCJK";
  private static final String CSS = """
      @page { size: A4; margin: 16mm 14mm; }
      body { font-family: %s, "Noto Sans CJK SC", "WenQuanYi Zen Hei", "Microsoft YaHei", sans-serif;
             font-size: 10.5pt; color: #1f2933; }
      h1 { font-size: 17pt; text-align: center; color: #b71c1c; margin: 0 0 4pt; }
      h2 { font-size: 12.5pt; border-bottom: 1pt solid #b71c1c; padding-bottom: 2pt; margin: 14pt 0 6pt; }
      p.meta { text-align: center; color: #5f6b7a; margin: 0 0 10pt; }
      table { border-collapse: collapse; width: 100%%; margin: 4pt 0; }
      th, td { border: 0.5pt solid #c9d1da; padding: 3pt 5pt; text-align: left; }
      th { background: #f1f4f8; }
      td.num, th.num { text-align: right; }
      img.chart { width: 100%%; }
      p.none { color: #5f6b7a; }
      """;
  private static final DateTimeFormatter BUILT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT);

  static {
    System.setProperty("java.awt.headless", "true"); // charts are drawn with no display
  }

  /** The most departments the chart draws (those with the most active ratings): a taller one would not fit a page. */
  static final int CHARTED = 25;

  private final Optional<Path> font;
  private final ZoneId zone;
  /** The chart's font, read once (a CJK font file is megabytes). */
  private final java.util.function.Supplier<Font> awtFont;

  public BulletinDocuments(Optional<Path> font, ZoneId zone) {
    this.font = font;
    this.zone = zone;
    this.awtFont = memoized(this::readAwtFont);
  }

  private static <T> java.util.function.Supplier<T> memoized(java.util.function.Supplier<T> read) {
    java.util.concurrent.atomic.AtomicReference<T> value = new java.util.concurrent.atomic.AtomicReference<>();
    return () -> value.updateAndGet(v -> v != null ? v : read.get());
  }

  public boolean canMakePdf() {
    return font.isPresent();
  }

  /** The printable page (HTML). */
  public String html(JsonObject bulletin) {
    Document doc = document(bulletin);
    try {
      var transformer = TransformerFactory.newInstance().newTransformer();
      transformer.setOutputProperty(OutputKeys.METHOD, "html");
      transformer.setOutputProperty(OutputKeys.ENCODING, "UTF-8");
      transformer.setOutputProperty(OutputKeys.INDENT, "no");
      StringWriter out = new StringWriter();
      transformer.transform(new DOMSource(doc), new StreamResult(out));
      return "<!doctype html>\n" + out;
    } catch (TransformerException e) {
      throw new IllegalStateException("Writing a bulletin's page failed", e);
    }
  }

  /** The PDF, with the CJK font embedded (only the glyphs it uses). */
  public byte[] pdf(JsonObject bulletin) {
    Path file = font.orElseThrow(() -> new IllegalStateException("No CJK font (BULLETIN_FONT)"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (PdfBoxRenderer renderer = new PdfRendererBuilder().withW3cDocument(document(bulletin), "about:blank")
        .toStream(out).buildPdfRenderer()) {
      if (file.toString().toLowerCase(Locale.ROOT).endsWith(".ttc")) {
        renderer.getFontResolver().addFontCollection(file.toFile(), FAMILY, 400, IdentValue.NORMAL, true);
      } else {
        renderer.getFontResolver().addFont(file.toFile(), FAMILY, 400, IdentValue.NORMAL, true);
      }
      renderer.layout();
      renderer.createPDF();
    } catch (IOException e) {
      throw new IllegalStateException("Writing a bulletin's PDF failed", e);
    }
    return out.toByteArray();
  }

  // ---- the document -------------------------------------------------------------------------------

  private Document document(JsonObject b) {
    Document doc;
    try {
      doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().newDocument();
    } catch (ParserConfigurationException e) {
      throw new IllegalStateException(e);
    }
    String title = b.getString("regionName") + " 政务服务“好差评”周通报";
    String period = b.getString("weekStart") + " 至 " + b.getString("weekEnd");
    Element html = add(doc, doc, "html", null);
    html.setAttribute("lang", "zh-CN");
    Element head = add(doc, html, "head", null);
    add(doc, head, "meta", null).setAttribute("charset", "utf-8");
    add(doc, head, "title", title + "（" + period + "）");
    add(doc, head, "style", String.format(Locale.ROOT, CSS, FAMILY));
    Element body = add(doc, html, "body", null);
    add(doc, body, "h1", title);
    add(doc, body, "p", "统计周期：" + period + "　生成时间："
        + BUILT.format(Instant.parse(b.getString("builtAt")).atZone(zone)) + "　最少样本：" + b.getInteger("minSample")
        + " 条").setAttribute("class", "meta");

    add(doc, body, "h2", "一、总体情况");
    JsonObject totals = b.getJsonObject("totals");
    Element overall = table(doc, body, 1, List.of("指标", "本周", "上周", "变化"));
    row(doc, overall, "主动评价数", String.valueOf(totals.getJsonObject("week").getLong("active")),
        String.valueOf(totals.getJsonObject("previousWeek").getLong("active")),
        signed(totals.getJsonObject("change").getLong("active")));
    for (String[] rate : RATES) {
      row(doc, overall, rate[1], percent(totals.getJsonObject("week").getDouble(rate[0])),
          percent(totals.getJsonObject("previousWeek").getDouble(rate[0])),
          points(totals.getJsonObject("change").getDouble(rate[0])));
    }

    add(doc, body, "h2", "二、各部门评价情况");
    JsonArray departments = b.getJsonArray("departments");
    if (departments.isEmpty()) {
      add(doc, body, "p", "本周及上周均无评价。").setAttribute("class", "none");
    } else {
      Element img = add(doc, body, "img", null);
      img.setAttribute("class", "chart");
      img.setAttribute("alt", "各部门本周与上周好评率");
      img.setAttribute("src", "data:image/png;base64," + Base64.getEncoder().encodeToString(chart(departments)));
      if (departments.size() > CHARTED) {
        add(doc, body, "p", "图中为本周主动评价数最多的 " + CHARTED + " 个部门；各部门数字见下表。").setAttribute("class", "none");
      }
      Element t = table(doc, body, 1, List.of("部门", "主动评价数", "好评率", "上周好评率", "变化", "差评数", "差评整改率"));
      for (Object o : departments) {
        JsonObject d = (JsonObject) o;
        JsonObject i = d.getJsonObject("indicators");
        row(doc, t, name(d), String.valueOf(i.getJsonObject("week").getLong("active")),
            percent(i.getJsonObject("week").getDouble("goodRate")),
            percent(i.getJsonObject("previousWeek").getDouble("goodRate")),
            points(i.getJsonObject("change").getDouble("goodRate")),
            String.valueOf(i.getJsonObject("week").getLong("poor")),
            percent(i.getJsonObject("week").getDouble("poorRectifiedRate")));
      }
    }

    add(doc, body, "h2", "三、好评率排名（主动评价数不少于 " + b.getInteger("minSample") + " 条）");
    ranking(doc, body, "好评率最高", b.getJsonArray("best"));
    ranking(doc, body, "好评率最低", b.getJsonArray("worst"));

    overdue(doc, body, "四、电子监察：超期办件", "超期（红牌）办件共 ", b.getJsonObject("overdueApplications"),
        "open", "在办");
    overdue(doc, body, "五、差评整改：超期案件", "超期（红牌）整改案件共 ", b.getJsonObject("overdueCases"),
        "running", "在办案件");
    return doc;
  }

  /** A section of what is overdue: how many are red in all, and the departments with any yellow or red. */
  private static void overdue(Document doc, Element body, String title, String total, JsonObject part,
                              String open, String openLabel) {
    add(doc, body, "h2", title);
    add(doc, body, "p", total + part.getLong("total") + " 件。");
    if (part.getJsonArray("departments").isEmpty()) {
      return;
    }
    Element t = table(doc, body, 1, List.of("部门", openLabel, "黄牌预警", "红牌超期"));
    for (Object o : part.getJsonArray("departments")) {
      JsonObject d = (JsonObject) o;
      row(doc, t, name(d), String.valueOf(d.getLong(open)), String.valueOf(d.getLong("yellow")),
          String.valueOf(d.getLong("red")));
    }
  }

  /** The rates the overall table shows: field, label. */
  private static final String[][] RATES = {
      {"goodRate", "好评率"}, {"poorRate", "差评率"}, {"activeRate", "主动评价率"},
      {"poorRectifiedRate", "差评整改率"}, {"poorOnTimeRate", "按期整改率"}};

  private static void ranking(Document doc, Element body, String caption, JsonArray ranked) {
    add(doc, body, "p", caption + "：");
    if (ranked.isEmpty()) {
      add(doc, body, "p", "无达到最少样本的部门。").setAttribute("class", "none");
      return;
    }
    Element t = table(doc, body, 2, List.of("名次", "部门", "主动评价数", "好评率"));
    for (Object o : ranked) {
      JsonObject d = (JsonObject) o;
      row(doc, t, String.valueOf(d.getInteger("rank")), name(d), String.valueOf(d.getLong("active")),
          percent(d.getDouble("goodRate")));
    }
  }

  private static String name(JsonObject d) {
    return d.getString("departmentName") == null ? d.getString("department") : d.getString("departmentName");
  }

  private static Element add(Document doc, org.w3c.dom.Node parent, String tag, String text) {
    Element e = doc.createElement(tag);
    if (text != null) {
      e.setTextContent(text);
    }
    parent.appendChild(e);
    return e;
  }

  /** A table whose columns from {@code firstNumber} on hold numbers (set right). */
  private static Element table(Document doc, Element parent, int firstNumber, List<String> header) {
    Element table = add(doc, parent, "table", null);
    table.setAttribute("data-first-number", String.valueOf(firstNumber));
    Element tr = add(doc, add(doc, table, "thead", null), "tr", null);
    for (int i = 0; i < header.size(); i++) {
      Element th = add(doc, tr, "th", header.get(i));
      if (i >= firstNumber) {
        th.setAttribute("class", "num");
      }
    }
    return add(doc, table, "tbody", null);
  }

  private static void row(Document doc, Element tbody, String... cells) {
    int firstNumber = Integer.parseInt(((Element) tbody.getParentNode()).getAttribute("data-first-number"));
    Element tr = add(doc, tbody, "tr", null);
    for (int i = 0; i < cells.length; i++) {
      Element td = add(doc, tr, "td", cells[i]);
      if (i >= firstNumber) {
        td.setAttribute("class", "num");
      }
    }
  }

  static String percent(Double rate) {
    return rate == null ? "—" : String.format(Locale.ROOT, "%.1f%%", rate * 100);
  }

  /** A change of a rate in percentage points, with its sign. */
  static String points(Double change) {
    return change == null ? "—" : String.format(Locale.ROOT, "%+.1f 个百分点", change * 100);
  }

  static String signed(long change) {
    return String.format(Locale.ROOT, "%+d", change);
  }

  // ---- the chart ----------------------------------------------------------------------------------

  /** A department on the chart: known by its code (two may share a name), labelled by its name. */
  record Bar(String code, String label) implements Comparable<Bar> {
    @Override
    public int compareTo(Bar other) {
      return code.compareTo(other.code);
    }

    @Override
    public String toString() {
      return label;
    }
  }

  /**
   * The 好评率 this week and the week before of the departments with the most active ratings this
   * week (at most {@value #CHARTED}), as a PNG.
   */
  byte[] chart(JsonArray departments) {
    List<JsonObject> charted = departments.stream().map(JsonObject.class::cast)
        .sorted(java.util.Comparator.comparingLong((JsonObject d) -> -d.getJsonObject("indicators")
            .getJsonObject("week").getLong("active")).thenComparing(d -> d.getString("department")))
        .limit(CHARTED).toList();
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    for (JsonObject d : charted) {
      JsonObject i = d.getJsonObject("indicators");
      Double week = i.getJsonObject("week").getDouble("goodRate");
      Double before = i.getJsonObject("previousWeek").getDouble("goodRate");
      Bar bar = new Bar(d.getString("department"), name(d));
      data.addValue(week == null ? null : week * 100, "本周", bar);
      data.addValue(before == null ? null : before * 100, "上周", bar);
    }
    JFreeChart chart = ChartFactory.createBarChart(null, null, "好评率（%）", data, PlotOrientation.HORIZONTAL,
        true, false, false);
    Font text = awtFont.get().deriveFont(13f);
    chart.setBackgroundPaint(Color.WHITE);
    chart.getLegend().setItemFont(text);
    CategoryPlot plot = chart.getCategoryPlot();
    plot.setBackgroundPaint(Color.WHITE);
    plot.setRangeGridlinePaint(new Color(0xdd, 0xe3, 0xea));
    plot.getDomainAxis().setTickLabelFont(text);
    NumberAxis range = (NumberAxis) plot.getRangeAxis();
    range.setRange(0, 100);
    range.setLabelFont(text);
    range.setTickLabelFont(text);
    BarRenderer bars = (BarRenderer) plot.getRenderer();
    bars.setBarPainter(new StandardBarPainter());
    bars.setShadowVisible(false);
    bars.setSeriesPaint(0, new Color(0x2e, 0x7d, 0x32));
    bars.setSeriesPaint(1, new Color(0xa5, 0xd6, 0xa7));
    int height = 90 + 44 * charted.size();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ChartUtils.writeChartAsPNG(out, chart, 900, height);
    } catch (IOException e) {
      throw new IllegalStateException("Drawing a bulletin's chart failed", e);
    }
    return out.toByteArray();
  }

  /** The CJK font for the chart's labels, else the platform's sans-serif. */
  private Font readAwtFont() {
    if (font.isPresent()) {
      try {
        return Font.createFonts(font.get().toFile())[0];
      } catch (IOException | FontFormatException e) {
        org.slf4j.LoggerFactory.getLogger(BulletinDocuments.class)
            .warn("The chart's labels use the platform's font: {} cannot be read ({})", font.get(), e.toString());
      }
    }
    return new Font(Font.SANS_SERIF, Font.PLAIN, 13);
  }
}
