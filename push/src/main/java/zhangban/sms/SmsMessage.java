package zhangban.sms;

import java.util.List;

/**
 * One SMS as Chinese providers take it: a template approved in advance, its parameters in order,
 * to one number (E.164, +86…). {@code reference} comes back with the provider's delivery receipt,
 * so that the receipt finds its message.
 */
public record SmsMessage(String phone, String templateId, List<String> params, String reference) {
  /** The number as logs may show it: 138****1234. */
  public String maskedPhone() {
    return PhoneVault.mask(phone);
  }
}
