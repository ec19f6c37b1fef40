package zhangban.filing;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import zhangban.identity.Principal;
import zhangban.identity.Role;

/**
 * Object-level authorization. A citizen sees their own applications, an enterprise member those of
 * their enterprise, an officer those of their department (never drafts), a manager those of their
 * region's departments (never drafts). Whoever may not see an application is told it does not exist.
 */
final class Access {
  private Access() {}

  static boolean isApplicantOf(Principal p, ApplicationRow a) {
    if (p.has(Role.CITIZEN) || p.has(Role.ENTERPRISE)) {
      if (p.subject().equals(a.applicantSubject)) {
        return true;
      }
      return p.has(Role.ENTERPRISE) && a.applicantUscc != null && p.uscc().equals(Optional.of(a.applicantUscc));
    }
    return false;
  }

  static boolean isDepartmentOf(Principal p, ApplicationRow a) {
    return (p.has(Role.OFFICER) || p.has(Role.INTEGRATION)) && p.department().equals(Optional.of(a.department));
  }

  static boolean canSee(Principal p, ApplicationRow a) {
    if (isApplicantOf(p, a)) {
      return true;
    }
    if (a.state == ApplicationState.DRAFT) {
      return false;
    }
    return p.managesDepartment(a.department) || (p.has(Role.OFFICER) && isDepartmentOf(p, a));
  }

  static boolean mayAct(Principal p, ApplicationRow a, Action action) {
    if (a.handledElsewhere()) {
      return false;
    }
    return switch (action.party()) {
      case APPLICANT -> isApplicantOf(p, a);
      case DEPARTMENT -> isDepartmentOf(p, a);
    };
  }

  static List<Action> allowedActions(Principal p, ApplicationRow a) {
    List<Action> out = new ArrayList<>();
    for (Action action : Action.values()) {
      if (action.allowedFrom(a.state) && mayAct(p, a, action)) {
        out.add(action);
      }
    }
    return out;
  }
}
