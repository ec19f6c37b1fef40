package zhangban.filing;

import java.time.Instant;
import java.util.UUID;

/**
 * A transaction as another system registers it: its own number, the stage's state, the item and
 * department, the applicant (a subject only when Zhangban knows them; the mobile number sealed,
 * hashed and masked), where it was handled (hall or system; the hall and window) and when.
 */
record ExternalTransaction(UUID id, String number, ApplicationState state, String itemCode, int itemVersion,
                           String department, String applicantSubject, String applicantName, String applicantKind,
                           String applicantUscc, String sealedPhone, byte[] phoneHash, String maskedPhone,
                           String source, String client, String hall, String window, Instant acceptedAt,
                           Instant completedAt, Instant at) {}
