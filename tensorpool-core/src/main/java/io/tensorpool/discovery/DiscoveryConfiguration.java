package io.tensorpool.discovery;

import io.tensorpool.control.DefaultEndpoints;

import java.util.concurrent.TimeUnit;

/**
 * Defaults of the discovery components, Aeron style: a {@code *_PROP_NAME} system property overrides each
 * {@code *_DEFAULT} where one is given.
 */
public final class DiscoveryConfiguration
{
    /** Channel discovery requests are sent to / received on. */
    public static final String REQUEST_CHANNEL_PROP_NAME = "tensorpool.discovery.request.channel";
    /** Default: the driver control channel, where an embedded provider listens (Discovery §4.2, §13). */
    public static final String REQUEST_CHANNEL_DEFAULT = DefaultEndpoints.DISCOVERY_CHANNEL;

    /** Stream id discovery requests are sent to / received on. */
    public static final String REQUEST_STREAM_ID_PROP_NAME = "tensorpool.discovery.request.stream.id";
    /** Default: the driver control stream id. */
    public static final int REQUEST_STREAM_ID_DEFAULT = DefaultEndpoints.DISCOVERY_STREAM_ID;

    /** Channel a client asks responses on. */
    public static final String RESPONSE_CHANNEL_PROP_NAME = "tensorpool.discovery.response.channel";
    /** Default response channel. */
    public static final String RESPONSE_CHANNEL_DEFAULT = DefaultEndpoints.DISCOVERY_RESPONSE_CHANNEL;

    /** Stream id a client asks responses on. */
    public static final String RESPONSE_STREAM_ID_PROP_NAME = "tensorpool.discovery.response.stream.id";
    /**
     * Default response stream id. Several clients may share it: each drops responses to request ids it did not send,
     * and request ids start at a random value.
     */
    public static final int RESPONSE_STREAM_ID_DEFAULT = 1500;

    /** Drivers' {@code ShmPoolAnnounce} period in milliseconds. */
    public static final String ANNOUNCE_PERIOD_MS_PROP_NAME = "tensorpool.discovery.announce.period.ms";
    /** Default announce period, Driver Model §16 {@code policies.announce_period_ms}. */
    public static final long ANNOUNCE_PERIOD_MS_DEFAULT = 1000;

    /** Discovery §5.2 recommended cap on results per response. */
    public static final int MAX_RESULTS_DEFAULT = 1000;
    /** Bound on indexed streams per driver. */
    public static final int MAX_STREAMS_PER_DRIVER_DEFAULT = 65_536;
    /** Longest response channel a provider accepts. */
    public static final int MAX_RESPONSE_CHANNEL_LENGTH_DEFAULT = 4096;
    /** Bound on cached response publications. */
    public static final int MAX_RESPONSE_ENDPOINTS_DEFAULT = 64;
    /** Idle response publications are closed after this. */
    public static final long RESPONSE_ENDPOINT_IDLE_TIMEOUT_NS_DEFAULT = TimeUnit.SECONDS.toNanos(30);
    /** How long a response waits for its endpoint to connect. */
    public static final long RESPONSE_TIMEOUT_NS_DEFAULT = TimeUnit.SECONDS.toNanos(2);
    /** Bound on queued responses. */
    public static final int MAX_PENDING_RESPONSES_DEFAULT = 256;
    /** Sweep period for expiry and idle endpoints. */
    public static final long SWEEP_INTERVAL_NS_DEFAULT = TimeUnit.MILLISECONDS.toNanos(100);
    /** Fragments per poll. */
    public static final int FRAGMENT_LIMIT_DEFAULT = 16;
    /** Default client request timeout. */
    public static final long REQUEST_TIMEOUT_NS_DEFAULT = TimeUnit.SECONDS.toNanos(5);

    private DiscoveryConfiguration()
    {
    }

    /** {@link #REQUEST_CHANNEL_PROP_NAME} or its default. */
    public static String requestChannel()
    {
        return System.getProperty(REQUEST_CHANNEL_PROP_NAME, REQUEST_CHANNEL_DEFAULT);
    }

    /** {@link #REQUEST_STREAM_ID_PROP_NAME} or its default. */
    public static int requestStreamId()
    {
        return Integer.getInteger(REQUEST_STREAM_ID_PROP_NAME, REQUEST_STREAM_ID_DEFAULT);
    }

    /** {@link #RESPONSE_CHANNEL_PROP_NAME} or its default. */
    public static String responseChannel()
    {
        return System.getProperty(RESPONSE_CHANNEL_PROP_NAME, RESPONSE_CHANNEL_DEFAULT);
    }

    /** {@link #RESPONSE_STREAM_ID_PROP_NAME} or its default. */
    public static int responseStreamId()
    {
        return Integer.getInteger(RESPONSE_STREAM_ID_PROP_NAME, RESPONSE_STREAM_ID_DEFAULT);
    }

    /** {@link #ANNOUNCE_PERIOD_MS_PROP_NAME} or its default, in nanoseconds. */
    public static long announcePeriodNs()
    {
        return TimeUnit.MILLISECONDS.toNanos(Long.getLong(ANNOUNCE_PERIOD_MS_PROP_NAME, ANNOUNCE_PERIOD_MS_DEFAULT));
    }
}
