package io.tensorpool.driver;

/** One active lease (Driver §4.1): a client's authorisation for one stream in one role. Duty-cycle thread only. */
final class DriverLease
{
    static final byte PRODUCER = 1;
    static final byte CONSUMER = 2;

    final long leaseId;
    final DriverStream stream;
    final int clientId;
    final byte role;
    final long attachCorrelationId;
    long expiryNs;

    DriverLease(
        final long leaseId,
        final DriverStream stream,
        final int clientId,
        final byte role,
        final long attachCorrelationId,
        final long expiryNs)
    {
        this.leaseId = leaseId;
        this.stream = stream;
        this.clientId = clientId;
        this.role = role;
        this.attachCorrelationId = attachCorrelationId;
        this.expiryNs = expiryNs;
    }

    boolean isProducer()
    {
        return role == PRODUCER;
    }

    @Override
    public String toString()
    {
        return "lease=" + Long.toUnsignedString(leaseId) + " stream=" + Integer.toUnsignedString(stream.streamId) +
            " client=" + Integer.toUnsignedString(clientId) + " role=" + (role == PRODUCER ? "PRODUCER" : "CONSUMER");
    }
}
