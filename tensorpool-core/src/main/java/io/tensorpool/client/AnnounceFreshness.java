package io.tensorpool.client;

import io.aeron.AvailableImageHandler;
import io.aeron.Image;
import io.tensorpool.codecs.wire.ClockDomain;
import org.agrona.concurrent.NanoClock;

/**
 * Which {@code ShmPoolAnnounce} timestamps the consumer may act on (Wire §10.1.1): within the freshness window in
 * their clock domain and, for MONOTONIC announces, not from before the consumer joined. Join time is when the
 * consumer subscribed, moved to when the first image of its control subscription became available.
 * <p>
 * Separate from {@link TensorPoolConsumer} because these rules judge a timestamp, not the mapping: the consumer asks
 * before it compares epochs, and this class keeps the join time (written on Aeron's conductor thread, hence
 * volatile) and the counts of announces turned away. Allocation-free.
 */
final class AnnounceFreshness implements AvailableImageHandler
{
    /** {@link #check}: act on the announce. */
    static final int FRESH = 0;
    /** {@link #check}: older than the freshness window; counted in {@link #stale()}. */
    static final int STALE = 1;
    /** {@link #check}: fresh but timestamped before the join; counted in {@link #beforeJoin()}. */
    static final int BEFORE_JOIN = 2;
    /** {@link #check}: a clock domain v1.1 does not define; counted in {@link #stale()}. */
    static final int UNKNOWN_CLOCK_DOMAIN = 3;

    private final TensorPoolConsumer.Context ctx;
    private final NanoClock clock;
    private volatile long joinTimeNs;
    private volatile boolean joinedImage;
    private long stale;
    private long beforeJoin;

    AnnounceFreshness(final TensorPoolConsumer.Context ctx, final NanoClock clock)
    {
        this.ctx = ctx;
        this.clock = clock;
    }

    /** The consumer subscribes now: the join time until the control image becomes available. */
    void subscribing()
    {
        joinTimeNs = clock.nanoTime();
    }

    /** The control subscription's image became available. Called on the Aeron client conductor thread. */
    @Override
    public void onAvailableImage(final Image image)
    {
        // Wire §10.1.1: join time is when the subscription image becomes available; kept from the first image only
        final long now = clock.nanoTime();
        if (joinTimeNs < now && !joinedImage)
        {
            joinedImage = true;
            joinTimeNs = now;
        }
    }

    /**
     * Judge an announce timestamp; every outcome but {@link #FRESH} is counted here.
     *
     * @param nowNs the consumer's monotonic clock now.
     * @return {@link #FRESH}, {@link #STALE}, {@link #BEFORE_JOIN} or {@link #UNKNOWN_CLOCK_DOMAIN}.
     */
    int check(final long timestampNs, final short clockDomain, final long nowNs)
    {
        if (clockDomain == ClockDomain.MONOTONIC.value())
        {
            if (nowNs - timestampNs > ctx.announceFreshnessWindowNs())
            {
                stale++;
                return STALE;
            }
            if (timestampNs < joinTimeNs)
            {
                // fresh but from before we joined (e.g. replayed from a log); ignore
                beforeJoin++;
                return BEFORE_JOIN;
            }
            return FRESH;
        }
        if (clockDomain == ClockDomain.REALTIME_SYNCED.value())
        {
            if (ctx.epochNanoClock().nanoTime() - timestampNs > ctx.announceFreshnessWindowNs())
            {
                stale++;
                return STALE;
            }
            return FRESH;
        }
        stale++;
        return UNKNOWN_CLOCK_DOMAIN;
    }

    /** Join time used for the MONOTONIC rule (local monotonic ns). */
    long joinTimeNs()
    {
        return joinTimeNs;
    }

    long stale()
    {
        return stale;
    }

    long beforeJoin()
    {
        return beforeJoin;
    }
}
