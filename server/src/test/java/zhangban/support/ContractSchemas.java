package zhangban.support;

import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.SchemaRepository;
import io.vertx.json.schema.Validator;
import zhangban.api.Contract;

/** Validators for the contract's named schemas, for what no operation carries (the push a phone receives). */
public final class ContractSchemas {
  private static final String BASE = "https://zhangban.test/openapi.yaml";
  private static final SchemaRepository REPOSITORY = SchemaRepository
      .create(new JsonSchemaOptions().setDraft(Draft.DRAFT202012).setOutputFormat(io.vertx.json.schema.OutputFormat.Basic).setBaseUri("https://zhangban.test/"))
      .dereference(BASE, JsonSchema.of(Contract.raw()));

  private ContractSchemas() {}

  /** The errors of {@code value} against {@code components/schemas/{name}}; null when it is valid. */
  public static String errors(String name, Object value) {
    Validator validator = REPOSITORY.validator(JsonSchema.of(
        new JsonObject().put("$ref", BASE + "#/components/schemas/" + name)));
    OutputUnit out = validator.validate(value);
    return out.getValid() ? null : name + ": " + out.getErrors();
  }
}
