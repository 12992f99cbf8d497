package dev.cotenant.conformance;

import java.util.List;

/** The results of a conformance run, with a text form for people (the command line writes the JSON form). */
public record Report(List<CaseResult> cases) {

    public Report {
        cases = List.copyOf(cases);
    }

    public long passed() {
        return count(CaseResult.Status.PASSED);
    }

    public long failed() {
        return count(CaseResult.Status.FAILED);
    }

    public long skipped() {
        return count(CaseResult.Status.SKIPPED);
    }

    private long count(CaseResult.Status s) {
        return cases.stream().filter(c -> c.status() == s).count();
    }

    /** One line per failed or skipped case, then {@code N passed, N failed, N skipped}. */
    public String text() {
        StringBuilder b = new StringBuilder();
        for (CaseResult c : cases) {
            if (c.status() != CaseResult.Status.PASSED) {
                b.append(c.status().name()).append(' ').append(c.name()).append(": ").append(c.reason()).append('\n');
            }
        }
        return b.append(summary()).append('\n').toString();
    }

    public String summary() {
        return passed() + " passed, " + failed() + " failed, " + skipped() + " skipped";
    }
}
