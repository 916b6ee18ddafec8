package io.tensorpool.driver.client;

import io.tensorpool.codecs.driver.Role;
import io.tensorpool.shm.StreamLayout;

/**
 * A granted lease and what it maps (Driver §4.2): the validated {@link StreamLayout} to pass to
 * {@code StreamRegionFiles.map(layout, policy, writable)} (writable for a producer). Immutable; a new instance is
 * made for every epoch change.
 */
public final class DriverAttachment
{
    /** {@link #leaseExpiryTimestampNs()} when the driver gave no expiry. */
    public static final long NO_EXPIRY = -1L;

    private final long leaseId;
    private final int clientId;
    private final Role role;
    private final StreamLayout layout;
    private final long leaseExpiryTimestampNs;

    public DriverAttachment(
        final long leaseId,
        final int clientId,
        final Role role,
        final StreamLayout layout,
        final long leaseExpiryTimestampNs)
    {
        this.leaseId = leaseId;
        this.clientId = clientId;
        this.role = role;
        this.layout = layout;
        this.leaseExpiryTimestampNs = leaseExpiryTimestampNs;
    }

    public long leaseId()
    {
        return leaseId;
    }

    public int clientId()
    {
        return clientId;
    }

    public Role role()
    {
        return role;
    }

    public int streamId()
    {
        return layout.streamId();
    }

    public long epoch()
    {
        return layout.epoch();
    }

    /** The regions to map, validated (layout version, nslots, pools, URIs, strides). */
    public StreamLayout layout()
    {
        return layout;
    }

    /** The driver's lease deadline at attach time (driver's monotonic clock), or {@link #NO_EXPIRY}. */
    public long leaseExpiryTimestampNs()
    {
        return leaseExpiryTimestampNs;
    }

    /** The same lease with a new layout (consumer remap after an epoch change). */
    public DriverAttachment withLayout(final StreamLayout newLayout)
    {
        return new DriverAttachment(leaseId, clientId, role, newLayout, leaseExpiryTimestampNs);
    }

    @Override
    public String toString()
    {
        return "DriverAttachment{lease=" + Long.toUnsignedString(leaseId) + " client=" +
            Integer.toUnsignedString(clientId) + " role=" + role + " " + layout + "}";
    }
}
