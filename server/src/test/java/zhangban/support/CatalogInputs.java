package zhangban.support;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Valid catalogue inputs for the admin operations, as the tests publish them. */
public final class CatalogInputs {
  private CatalogInputs() {}

  public static JsonObject material(String code, boolean required, boolean tolerance) {
    return new JsonObject().put("code", code).put("name", "材料 " + code).put("required", required)
        .put("toleranceAllowed", tolerance).put("acceptedTypes", new JsonArray().add("application/pdf"))
        .put("maxBytes", 1048576);
  }

  /** A valid guide for a new item of 民政局. */
  public static JsonObject item(String code, String name) {
    return new JsonObject()
        .put("code", code).put("name", name).put("department", "MZJ").put("kind", "public_service")
        .put("keywords", new JsonArray().add("测试事项"))
        .put("description", "测试用的事项。")
        .put("promisedDays", 3).put("legalDays", 10).put("visitsNeeded", 0).put("fullyOnline", true)
        .put("feeCents", 0)
        .put("materials", new JsonArray().add(material("id_card", true, false)))
        .put("attributes", new JsonArray().add(new JsonObject().put("code", "reason").put("name", "事由")
            .put("datatype", "string").put("required", false).put("order", 1)));
  }
}
