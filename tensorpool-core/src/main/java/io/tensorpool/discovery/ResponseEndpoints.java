package io.tensorpool.discovery;

import io.aeron.Aeron;
import io.aeron.ConcurrentPublication;
import io.aeron.exceptions.AeronException;
import org.agrona.CloseHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Cache of response publications keyed by (channel, stream id), one per client endpoint (Discovery §4.3). Publications
 * are added asynchronously so a provider embedded in a driver never blocks its duty cycle on the media driver. The
 * cache is bounded: when full, the least recently used endpoint without queued responses is closed; endpoints idle
 * for longer than the idle timeout are closed by {@link #closeIdle(long)}.
 */
final class ResponseEndpoints implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(ResponseEndpoints.class);

    /** One client response endpoint. */
    static final class Endpoint
    {
        final String channel;
        final int streamId;
        final String key;
        final long registrationId;
        ConcurrentPublication publication;
        boolean failed;
        long lastUsedNs;
        int queuedResponses;

        Endpoint(final String channel, final int streamId, final String key, final long registrationId)
        {
            this.channel = channel;
            this.streamId = streamId;
            this.key = key;
            this.registrationId = registrationId;
        }
    }

    private final Aeron aeron;
    private final int maxEndpoints;
    private final long idleTimeoutNs;
    private final Map<String, Endpoint> endpoints = new HashMap<>();
    private final List<Endpoint> pendingRegistration = new ArrayList<>();
    private long registrationFailures;
    private long evictions;

    ResponseEndpoints(final Aeron aeron, final int maxEndpoints, final long idleTimeoutNs)
    {
        this.aeron = aeron;
        this.maxEndpoints = maxEndpoints;
        this.idleTimeoutNs = idleTimeoutNs;
    }

    /**
     * The endpoint for (channel, stream id), starting an asynchronous publication add if new.
     *
     * @return the endpoint, or null if the cache is full of busy endpoints or Aeron refused the add.
     */
    Endpoint acquire(final String channel, final int streamId, final long nowNs)
    {
        final String key = streamId + " " + channel;
        Endpoint endpoint = endpoints.get(key);
        if (null != endpoint && !endpoint.failed)
        {
            endpoint.lastUsedNs = nowNs;
            return endpoint;
        }
        if (null != endpoint)
        {
            remove(endpoint);
        }
        if (endpoints.size() >= maxEndpoints && !evictLeastRecentlyUsed())
        {
            return null;
        }
        final long registrationId;
        try
        {
            registrationId = aeron.asyncAddPublication(channel, streamId);
        }
        catch (final AeronException | IllegalArgumentException | IllegalStateException ex)
        {
            registrationFailures++;
            LOG.warn("discovery cannot add response publication channel={} stream={}: {}", channel, streamId,
                ex.getMessage());
            return null;
        }
        endpoint = new Endpoint(channel, streamId, key, registrationId);
        endpoint.lastUsedNs = nowNs;
        endpoints.put(key, endpoint);
        pendingRegistration.add(endpoint);
        return endpoint;
    }

    /** Resolve asynchronous publication adds. Returns the number resolved (ready or failed). */
    int poll()
    {
        int work = 0;
        for (int i = pendingRegistration.size() - 1; i >= 0; i--)
        {
            final Endpoint endpoint = pendingRegistration.get(i);
            try
            {
                final ConcurrentPublication publication = aeron.getPublication(endpoint.registrationId);
                if (null == publication)
                {
                    continue;
                }
                endpoint.publication = publication;
            }
            catch (final AeronException ex)
            {
                endpoint.failed = true;
                registrationFailures++;
                LOG.warn("discovery response publication failed channel={} stream={}: {}",
                    endpoint.channel, endpoint.streamId, ex.getMessage());
            }
            pendingRegistration.remove(i);
            work++;
        }
        return work;
    }

    /** Release one queued response from {@code endpoint}; a failed endpoint is removed once nothing waits on it. */
    void release(final Endpoint endpoint)
    {
        endpoint.queuedResponses--;
        if (endpoint.failed && endpoint.queuedResponses <= 0 && endpoints.get(endpoint.key) == endpoint)
        {
            remove(endpoint);
        }
    }

    /** Close endpoints idle for longer than the idle timeout. Returns the number closed. */
    int closeIdle(final long nowNs)
    {
        int closed = 0;
        final Iterator<Endpoint> it = endpoints.values().iterator();
        while (it.hasNext())
        {
            final Endpoint endpoint = it.next();
            if (endpoint.queuedResponses <= 0 && nowNs - endpoint.lastUsedNs > idleTimeoutNs)
            {
                it.remove();
                closePublication(endpoint);
                closed++;
            }
        }
        return closed;
    }

    int size()
    {
        return endpoints.size();
    }

    long registrationFailures()
    {
        return registrationFailures;
    }

    long evictions()
    {
        return evictions;
    }

    @Override
    public void close()
    {
        for (final Endpoint endpoint : endpoints.values())
        {
            closePublication(endpoint);
        }
        endpoints.clear();
        pendingRegistration.clear();
    }

    private boolean evictLeastRecentlyUsed()
    {
        Endpoint oldest = null;
        for (final Endpoint endpoint : endpoints.values())
        {
            if (endpoint.queuedResponses <= 0 && (null == oldest || endpoint.lastUsedNs < oldest.lastUsedNs))
            {
                oldest = endpoint;
            }
        }
        if (null == oldest)
        {
            return false;
        }
        remove(oldest);
        evictions++;
        return true;
    }

    private void remove(final Endpoint endpoint)
    {
        endpoints.remove(endpoint.key);
        closePublication(endpoint);
    }

    private void closePublication(final Endpoint endpoint)
    {
        pendingRegistration.remove(endpoint);
        if (null != endpoint.publication)
        {
            CloseHelper.quietClose(endpoint.publication);
            endpoint.publication = null;
        }
        else if (!endpoint.failed && !aeron.isClosed())
        {
            try
            {
                aeron.asyncRemovePublication(endpoint.registrationId);
            }
            catch (final AeronException ex)
            {
                LOG.debug("discovery could not cancel response publication registration={}",
                    endpoint.registrationId, ex);
            }
        }
    }
}
