package io.tensorpool.flink.source.enumerator;

import io.aeron.Aeron;
import io.tensorpool.discovery.DiscoveryClient;
import io.tensorpool.discovery.DiscoveryConfiguration;
import io.tensorpool.discovery.DiscoveryQuery;
import io.tensorpool.discovery.DiscoveryResult;
import io.tensorpool.client.LoggingAeronClients;
import io.tensorpool.flink.source.StreamSelector;
import io.tensorpool.flink.source.TensorPoolSourceOptions;
import io.tensorpool.flink.source.split.DriverEndpoint;
import io.tensorpool.flink.source.split.TensorPoolSplit;
import org.agrona.CloseHelper;
import org.apache.flink.annotation.Internal;
import org.apache.flink.configuration.ReadableConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Discovery through a {@link DiscoveryClient} (Discovery v1.0): a registry's endpoint from the enumerator, or the
 * local driver's embedded provider from a reader. The query carries the selector's most selective criterion; the
 * selector filters the rest. A stream without a driver instance id is readable on any host (a single-host setup).
 */
@Internal
public final class ClientStreamDiscoverer implements StreamDiscoverer
{
    private static final Logger LOG = LoggerFactory.getLogger(ClientStreamDiscoverer.class);

    private final Aeron aeron;
    private final boolean ownsAeron;
    private final DiscoveryClient client;
    private final DiscoveryQuery query;
    private boolean warnedNoInstanceId;

    /**
     * @param aeron           the Aeron client to use.
     * @param ownsAeron       close it with this discoverer.
     * @param requestChannel  where requests go.
     * @param requestStreamId its stream id.
     * @param responseChannel where responses come back (a random non-zero stream id is picked).
     * @param selector        what to ask for, or null for every stream.
     */
    public ClientStreamDiscoverer(
        final Aeron aeron,
        final boolean ownsAeron,
        final String requestChannel,
        final int requestStreamId,
        final String responseChannel,
        final StreamSelector selector)
    {
        this(aeron, ownsAeron, requestChannel, requestStreamId, responseChannel, selector,
            DiscoveryConfiguration.REQUEST_TIMEOUT_NS_DEFAULT);
    }

    /**
     * @param aeron            the Aeron client to use.
     * @param ownsAeron        close it with this discoverer.
     * @param requestChannel   where requests go.
     * @param requestStreamId  its stream id.
     * @param responseChannel  where responses come back (a random non-zero stream id is picked).
     * @param selector         what to ask for, or null for every stream.
     * @param requestTimeoutNs how long one query may wait for its answer.
     */
    public ClientStreamDiscoverer(
        final Aeron aeron,
        final boolean ownsAeron,
        final String requestChannel,
        final int requestStreamId,
        final String responseChannel,
        final StreamSelector selector,
        final long requestTimeoutNs)
    {
        this.aeron = aeron;
        this.ownsAeron = ownsAeron;
        this.query = queryFor(selector);
        this.client = DiscoveryClient.connect(new DiscoveryClient.Context()
            .aeron(aeron)
            .requestChannel(requestChannel)
            .requestStreamId(requestStreamId)
            .responseChannel(responseChannel)
            .responseStreamId(ThreadLocalRandom.current().nextInt(1 << 20, 1 << 30))
            .requestTimeoutNs(requestTimeoutNs));
    }

    /**
     * The enumerator-side factory: connects its own Aeron client to {@code tensorpool.aeron.dir} on the job manager.
     *
     * @param config   the source's options.
     * @param selector what to read.
     * @return a serializable factory.
     */
    public static StreamDiscoverer.Factory factory(final ReadableConfig config, final StreamSelector selector)
    {
        final String aeronDir = config.getOptional(TensorPoolSourceOptions.AERON_DIRECTORY).orElse(null);
        final String requestChannel = config.get(TensorPoolSourceOptions.DISCOVERY_CHANNEL);
        final int requestStreamId = config.get(TensorPoolSourceOptions.DISCOVERY_STREAM_ID);
        final String responseChannel = config.get(TensorPoolSourceOptions.DISCOVERY_RESPONSE_CHANNEL);
        return () ->
        {
            final Aeron aeron = LoggingAeronClients.connect(aeronDir, "source enumerator discovery");
            try
            {
                return new ClientStreamDiscoverer(aeron, true, requestChannel, requestStreamId, responseChannel,
                    selector);
            }
            catch (final RuntimeException ex)
            {
                CloseHelper.quietClose(aeron);
                throw ex;
            }
        };
    }

    @Override
    public List<DiscoveredStream> discover() throws IOException
    {
        final DiscoveryResult result = client.query(query);
        if (!result.isOk() && !result.wasNotFound())
        {
            throw new IOException("discovery answered " + result.status() + ": " + result.errorMessage());
        }
        final List<DiscoveredStream> streams = new ArrayList<>();
        for (final io.tensorpool.discovery.DiscoveredStream found : result.latestPerStream())
        {
            String host = found.driverInstanceId();
            if (host == null || host.isEmpty())
            {
                if (!warnedNoInstanceId)
                {
                    warnedNoInstanceId = true;
                    LOG.warn("tensorpool source: discovery result stream={} has no driver instance id; treating " +
                        "such streams as readable on any host", Integer.toUnsignedString(found.streamId()));
                }
                host = TensorPoolSplit.ANY_HOST;
            }
            streams.add(new DiscoveredStream(found.streamId(), found.epoch(), found.dataSourceName(),
                new ArrayList<>(found.tags()), host,
                new DriverEndpoint(found.driverControlChannel(), found.driverControlStreamId())));
        }
        return streams;
    }

    @Override
    public void close()
    {
        CloseHelper.quietClose(client);
        if (ownsAeron)
        {
            CloseHelper.quietClose(aeron);
        }
    }

    private static DiscoveryQuery queryFor(final StreamSelector selector)
    {
        if (selector == null)
        {
            return DiscoveryQuery.all();
        }
        if (selector.name() != null)
        {
            return DiscoveryQuery.byName(selector.name());
        }
        if (!selector.tags().isEmpty())
        {
            return DiscoveryQuery.byTags(selector.tags().toArray(new String[0]));
        }
        if (selector.streamIds().size() == 1)
        {
            return DiscoveryQuery.byStreamId(selector.streamIds().iterator().next());
        }
        return DiscoveryQuery.all();
    }
}
