package dev.cotenant.conformance;

/** The outcome of one case; {@code reason} is one line, empty for a passed case. */
public record CaseResult(String name, Status status, String reason) {

    public enum Status {
        PASSED, FAILED, SKIPPED;

        /** The lower-case name used in reports. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public CaseResult {
        reason = reason == null ? "" : reason.replace('\n', ' ').replace('\r', ' ');
    }

    static CaseResult passed(String name) {
        return new CaseResult(name, Status.PASSED, "");
    }

    static CaseResult failed(String name, String reason) {
        return new CaseResult(name, Status.FAILED, reason);
    }

    static CaseResult skipped(String name, String reason) {
        return new CaseResult(name, Status.SKIPPED, reason);
    }
}
