package dev.cotenant.sched.workload;

/**
 * What a schedule must cover of one tenant: its name and, per operator, into how many parts it can
 * be split ({@code maxParts.length} is the number of operators); and the priority the user gave it,
 * which its stream inherits.
 */
public record TenantShape(String name, int[] maxParts, int priority) {

    public TenantShape(String name, int[] maxParts) {
        this(name, maxParts, 0);
    }

    public int ops() {
        return maxParts.length;
    }

    public static TenantShape of(TenantPlan p) {
        int[] m = new int[p.ops()];
        for (int i = 0; i < m.length; i++) {
            m[i] = Math.max(1, p.plan().steps().get(i).op().maxParts());
        }
        return new TenantShape(p.tenant().label(), m, p.tenant().priority());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TenantShape t && t.name.equals(name) && java.util.Arrays.equals(t.maxParts, maxParts) && t.priority == priority;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + java.util.Arrays.hashCode(maxParts);
    }

    @Override
    public String toString() {
        return name + " (" + ops() + " ops)";
    }
}
