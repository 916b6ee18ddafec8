package io.tensorpool.discovery;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The outcome of one discovery query: a status, the valid results and how many results were ignored as invalid.
 * Immutable. Results are advisory snapshots (Discovery §3): attach through the driver each result names.
 */
public final class DiscoveryResult
{
    /** Outcome of a query. */
    public enum Status
    {
        /** Processed; {@link #streams()} holds the matches, possibly none. NOT_FOUND responses also map here. */
        OK,
        /** The provider answered {@code status=ERROR}; {@link #errorMessage()} says why. */
        ERROR,
        /** No response arrived before the deadline; {@link #errorMessage()} says what was waited for. */
        TIMED_OUT
    }

    private final long requestId;
    private final Status status;
    private final boolean notFound;
    private final String errorMessage;
    private final List<DiscoveredStream> streams;
    private final int ignoredResults;

    DiscoveryResult(
        final long requestId,
        final Status status,
        final boolean notFound,
        final String errorMessage,
        final List<DiscoveredStream> streams,
        final int ignoredResults)
    {
        this.requestId = requestId;
        this.status = Objects.requireNonNull(status, "status");
        this.notFound = notFound;
        this.errorMessage = Objects.requireNonNull(errorMessage, "errorMessage");
        this.streams = List.copyOf(streams);
        this.ignoredResults = ignoredResults;
    }

    static DiscoveryResult timedOut(final long requestId, final String message)
    {
        return new DiscoveryResult(requestId, Status.TIMED_OUT, false, message, List.of(), 0);
    }

    /** The request id this answers. */
    public long requestId()
    {
        return requestId;
    }

    /** OK (including NOT_FOUND), ERROR or TIMED_OUT. */
    public Status status()
    {
        return status;
    }

    /** Whether the status is {@link Status#OK}. */
    public boolean isOk()
    {
        return status == Status.OK;
    }

    /** Whether the provider literally answered {@code NOT_FOUND} (treated as OK with no results). */
    public boolean wasNotFound()
    {
        return notFound;
    }

    /** The provider's error message, or the local reason for a timeout; empty otherwise. */
    public String errorMessage()
    {
        return errorMessage;
    }

    /** Valid results in response order; empty unless OK. */
    public List<DiscoveredStream> streams()
    {
        return streams;
    }

    /**
     * Results dropped by the client: invalid per Discovery §5.2 (empty driver control channel, control stream id 0,
     * pool nslots differing from header nslots, header slot bytes other than 256, max dims other than 8), or sent
     * with a non-OK status.
     */
    public int ignoredResults()
    {
        return ignoredResults;
    }

    /** The results {@code query} matches, so one broad query can serve several narrower ones. */
    public List<DiscoveredStream> streams(final DiscoveryQuery query)
    {
        return query.filter(streams);
    }

    /**
     * One result per (driver instance id, stream id), the one with the highest epoch, in first-seen order (Discovery
     * §7: de-duplicate and discard stale epochs).
     */
    public List<DiscoveredStream> latestPerStream()
    {
        final Map<String, DiscoveredStream> latest = new LinkedHashMap<>();
        for (final DiscoveredStream stream : streams)
        {
            final String key = Integer.toUnsignedString(stream.streamId()) + "@" + stream.driverInstanceId();
            latest.merge(key, stream,
                (a, b) -> Long.compareUnsigned(b.epoch(), a.epoch()) > 0 ? b : a);
        }
        return List.copyOf(new ArrayList<>(latest.values()));
    }

    @Override
    public String toString()
    {
        return "DiscoveryResult{requestId=" + requestId + ", status=" + status + (notFound ? " (NOT_FOUND)" : "") +
            (errorMessage.isEmpty() ? "" : ", errorMessage='" + errorMessage + '\'') +
            ", streams=" + streams.size() + ", ignoredResults=" + ignoredResults + '}';
    }
}
