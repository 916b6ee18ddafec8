package io.tensorpool.driver;

/**
 * What the driver has done and refused, for monitoring and tests. Written only by the duty-cycle thread; plain fields,
 * so read them from that thread or after close.
 */
public final class DriverCounters
{
    long attachOk;
    long attachRejected;
    long attachInvalid;
    long attachUnsupported;
    long attachInternalError;
    long attachDuplicates;
    long detachOk;
    long detachRejected;
    long keepalives;
    long keepalivesUnknown;
    long leasesExpired;
    long leasesRevoked;
    long epochBumps;
    long announces;
    long malformedRequests;
    long shutdownRequestsRejected;
    long sendFailures;
    long epochDirectoriesRemoved;

    /** Attach requests answered OK (retries of an already-granted attach included). */
    public long attachOk()
    {
        return attachOk;
    }

    /** Attach requests answered REJECTED. */
    public long attachRejected()
    {
        return attachRejected;
    }

    /** Attach requests answered INVALID_PARAMS. */
    public long attachInvalid()
    {
        return attachInvalid;
    }

    /** Attach requests answered UNSUPPORTED. */
    public long attachUnsupported()
    {
        return attachUnsupported;
    }

    /** Attach requests answered INTERNAL_ERROR (region creation failed). */
    public long attachInternalError()
    {
        return attachInternalError;
    }

    /** Attach requests recognised as retries of a granted attach (same clientId and correlationId). */
    public long attachDuplicates()
    {
        return attachDuplicates;
    }

    public long detachOk()
    {
        return detachOk;
    }

    public long detachRejected()
    {
        return detachRejected;
    }

    /** Keepalives that extended a lease. */
    public long keepalives()
    {
        return keepalives;
    }

    /** Keepalives for unknown, ended or mismatching leases. */
    public long keepalivesUnknown()
    {
        return keepalivesUnknown;
    }

    public long leasesExpired()
    {
        return leasesExpired;
    }

    /** ShmLeaseRevoked notices sent (any reason). */
    public long leasesRevoked()
    {
        return leasesRevoked;
    }

    public long epochBumps()
    {
        return epochBumps;
    }

    /** ShmPoolAnnounce messages sent. */
    public long announces()
    {
        return announces;
    }

    /** Requests of schema 901 that could not be decoded (wrong block length, truncated, bad enum). */
    public long malformedRequests()
    {
        return malformedRequests;
    }

    /** Shutdown requests ignored for a missing or wrong token. */
    public long shutdownRequestsRejected()
    {
        return shutdownRequestsRejected;
    }

    /** Messages that could not be offered (back pressure beyond the retry budget, publication closed). */
    public long sendFailures()
    {
        return sendFailures;
    }

    /** Stale epoch directories removed by epoch GC. */
    public long epochDirectoriesRemoved()
    {
        return epochDirectoriesRemoved;
    }

    @Override
    public String toString()
    {
        return "DriverCounters{attachOk=" + attachOk + " rejected=" + attachRejected + " invalid=" + attachInvalid +
            " unsupported=" + attachUnsupported + " internal=" + attachInternalError + " duplicates=" +
            attachDuplicates + " detachOk=" + detachOk + " detachRejected=" + detachRejected + " keepalives=" +
            keepalives + " keepalivesUnknown=" + keepalivesUnknown + " expired=" + leasesExpired + " revoked=" +
            leasesRevoked + " epochBumps=" + epochBumps + " announces=" + announces + " malformed=" +
            malformedRequests + " shutdownRejected=" + shutdownRequestsRejected + " sendFailures=" + sendFailures +
            " epochDirsRemoved=" + epochDirectoriesRemoved + "}";
    }
}
