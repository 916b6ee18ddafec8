package io.tensorpool.discovery;

import io.aeron.Aeron;
import io.aeron.FragmentAssembler;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.tensorpool.codecs.discovery.DiscoveryRequestEncoder;
import io.tensorpool.codecs.discovery.DiscoveryResponseDecoder;
import io.tensorpool.codecs.discovery.MessageHeaderEncoder;
import io.tensorpool.control.MessageShapes;
import io.tensorpool.control.SchemaGatedHandler;
import io.tensorpool.shm.ShmLayout;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Client of the Discovery API (Discovery §5, §7): sends {@code DiscoveryRequest}s and correlates responses by
 * {@code requestId}.
 * <p>
 * Two ways to use it: from an agent or an event loop, {@link #submit(DiscoveryQuery, DiscoveryListener)} and then
 * call {@link #poll()} each duty cycle (never blocks); from plain code, {@link #query(DiscoveryQuery)} blocks until the
 * response or the timeout. Not thread-safe: use one client per thread.
 * <p>
 * Validation (Discovery §5.2, §10): responses must carry schema 910 version 1 with exact block lengths; responses to
 * unknown request ids are dropped and counted; results with an empty driver control channel, control stream id 0, a
 * pool nslots differing from the header nslots, header slot bytes other than 256 or max dims other than 8 are ignored
 * and counted; results accompanying {@code ERROR}/{@code NOT_FOUND} are ignored; {@code NOT_FOUND} is treated as OK
 * with zero results.
 * <p>
 * <b>Results are advisory.</b> Attach through the driver named in each result and validate epoch, layout and
 * superblocks there (Discovery §3, §7); never map SHM from a discovery result.
 */
public final class DiscoveryClient implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(DiscoveryClient.class);

    private final Context ctx;
    private final Aeron aeron;
    private final NanoClock clock;
    private final Publication requestPublication;
    private final Subscription responseSubscription;
    private final ResponseHandler responseHandler = new ResponseHandler();
    private final FragmentAssembler responseAssembler = new FragmentAssembler(responseHandler);
    private final Long2ObjectHashMap<PendingRequest> pending = new Long2ObjectHashMap<>();
    private final ArrayList<PendingRequest> completed = new ArrayList<>();
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final DiscoveryRequestEncoder requestEncoder = new DiscoveryRequestEncoder();
    private final byte[] responseChannelBytes;
    private long nextRequestId;
    private long unknownRequestIds;
    private long invalidResults;
    private long ignoredNonOkResults;
    private boolean isClosed;

    private DiscoveryClient(final Context ctx)
    {
        this.ctx = ctx;
        this.aeron = ctx.aeron();
        this.clock = ctx.nanoClock();
        this.responseChannelBytes = WireText.toBytes("responseChannel", ctx.responseChannel());
        Subscription subscription = null;
        Publication publication = null;
        try
        {
            subscription = aeron.addSubscription(ctx.responseChannel(), ctx.responseStreamId());
            publication = aeron.addPublication(ctx.requestChannel(), ctx.requestStreamId());
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietCloseAll(subscription, publication);
            ctx.close();
            throw ex;
        }
        this.responseSubscription = subscription;
        this.requestPublication = publication;
        // Random start so clients sharing a response stream do not claim each other's responses.
        long start = ThreadLocalRandom.current().nextLong() & 0x7FFF_FFFF_FFFF_0000L;
        this.nextRequestId = start == 0 ? 1 : start;
    }

    /**
     * Connect a client: adds the response subscription and the request publication.
     *
     * @param ctx concluded here; closed with the client.
     */
    public static DiscoveryClient connect(final Context ctx)
    {
        return new DiscoveryClient(ctx.conclude());
    }

    /**
     * Queue a query; it is sent by {@link #poll()} (retried while no provider is connected or back pressured) and its
     * outcome delivered to {@code listener} once, from {@link #poll()}, by the context's request timeout at the latest.
     *
     * @return the request id.
     * @throws IllegalStateException if {@link Context#maxPendingRequests()} queries are already outstanding.
     */
    public long submit(final DiscoveryQuery query, final DiscoveryListener listener)
    {
        return submit(query, ctx.requestTimeoutNs(), listener);
    }

    /** As {@link #submit(DiscoveryQuery, DiscoveryListener)} with an explicit timeout. */
    public long submit(final DiscoveryQuery query, final long timeoutNs, final DiscoveryListener listener)
    {
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(listener, "listener");
        if (isClosed)
        {
            throw new IllegalStateException("discovery client is closed");
        }
        if (pending.size() >= ctx.maxPendingRequests())
        {
            throw new IllegalStateException("too many outstanding discovery requests: " + pending.size());
        }
        final long requestId = nextRequestId++;
        final PendingRequest request = new PendingRequest(requestId, listener, clock.nanoTime() + timeoutNs);
        request.length = encode(request.buffer, requestId, query);
        pending.put(requestId, request);
        trySend(request);
        return requestId;
    }

    /**
     * Send queued requests, receive responses, time out overdue requests, and deliver outcomes to listeners.
     *
     * @return work done (0 when idle), for an agent's idle strategy.
     */
    public int poll()
    {
        int work = 0;
        if (pending.isEmpty())
        {
            // Drain stray responses so the image does not fill; they count as unknown ids.
            return responseSubscription.poll(responseAssembler, ctx.fragmentLimit());
        }
        for (final PendingRequest request : pending.values())
        {
            if (!request.sent && trySend(request))
            {
                work++;
            }
        }
        work += responseSubscription.poll(responseAssembler, ctx.fragmentLimit());
        final long nowNs = clock.nanoTime();
        final Iterator<PendingRequest> it = pending.values().iterator();
        while (it.hasNext())
        {
            final PendingRequest request = it.next();
            if (null == request.result && nowNs - request.deadlineNs > 0)
            {
                request.result = DiscoveryResult.timedOut(request.requestId, request.sent ?
                    "no discovery response within the timeout from " + ctx.requestChannel() + "/" +
                    ctx.requestStreamId() :
                    "request not delivered: no discovery provider connected on " + ctx.requestChannel() + "/" +
                    ctx.requestStreamId());
            }
            if (null != request.result)
            {
                it.remove();
                completed.add(request);
            }
        }
        for (int i = 0, n = completed.size(); i < n; i++)
        {
            final PendingRequest request = completed.get(i);
            try
            {
                request.listener.onResult(request.result);
            }
            catch (final RuntimeException ex)
            {
                LOG.warn("discovery listener threw for requestId={}", request.requestId, ex);
            }
            work++;
        }
        completed.clear();
        return work;
    }

    /** Blocking query with the context's request timeout. */
    public DiscoveryResult query(final DiscoveryQuery query)
    {
        return query(query, ctx.requestTimeoutNs());
    }

    /**
     * Send {@code query} and wait for its outcome, polling with the context's idle strategy. Never throws for a
     * missing provider: the outcome is then {@link DiscoveryResult.Status#TIMED_OUT}.
     */
    public DiscoveryResult query(final DiscoveryQuery query, final long timeoutNs)
    {
        final DiscoveryResult[] holder = new DiscoveryResult[1];
        submit(query, timeoutNs, (result) -> holder[0] = result);
        final IdleStrategy idle = ctx.idleStrategy();
        idle.reset();
        while (null == holder[0])
        {
            idle.idle(poll());
        }
        return holder[0];
    }

    /** Queries sent or queued and not yet answered. */
    public int pendingCount()
    {
        return pending.size();
    }

    /** Responses dropped because their request id was not outstanding (Discovery §5.2). */
    public long unknownRequestIds()
    {
        return unknownRequestIds;
    }

    /** Results ignored as invalid (Discovery §5.2 authority and layout rules). */
    public long invalidResults()
    {
        return invalidResults;
    }

    /** Results ignored because they came with {@code ERROR} or {@code NOT_FOUND}. */
    public long ignoredNonOkResults()
    {
        return ignoredNonOkResults;
    }

    /** Response fragments rejected as malformed (bad block lengths, lying lengths, unknown status). */
    public long malformedResponses()
    {
        return responseHandler.malformedCount();
    }

    /** Response fragments of an unsupported discovery schema version (Discovery §10), dropped. */
    public long unsupportedVersionResponses()
    {
        return responseHandler.unsupportedVersionCount();
    }

    /** The concluded context. */
    public Context context()
    {
        return ctx;
    }

    /** Close publication and subscription, and the Aeron client if the context owns it. Outstanding queries are dropped. */
    @Override
    public void close()
    {
        if (isClosed)
        {
            return;
        }
        isClosed = true;
        pending.clear();
        if (!aeron.isClosed())
        {
            CloseHelper.closeAll(requestPublication, responseSubscription, ctx);
        }
        else
        {
            ctx.close();
        }
    }

    private boolean trySend(final PendingRequest request)
    {
        final long result = requestPublication.offer(request.buffer, 0, request.length);
        if (result > 0)
        {
            request.sent = true;
            return true;
        }
        return false;
    }

    private int encode(final ExpandableArrayBuffer buffer, final long requestId, final DiscoveryQuery query)
    {
        return encodeRequest(requestEncoder, headerEncoder, buffer, requestId, ctx.clientId(),
            ctx.responseStreamId(), responseChannelBytes, query);
    }

    /** Encode a {@code DiscoveryRequest} (Discovery §5.1, §15); returns the length including the message header. */
    static int encodeRequest(
        final DiscoveryRequestEncoder requestEncoder,
        final MessageHeaderEncoder headerEncoder,
        final MutableDirectBuffer buffer,
        final long requestId,
        final int clientId,
        final int responseStreamId,
        final byte[] responseChannel,
        final DiscoveryQuery query)
    {
        final DiscoveryRequestEncoder encoder = requestEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .requestId(requestId)
            .clientId(clientId & 0xFFFF_FFFFL)
            .responseStreamId(responseStreamId & 0xFFFF_FFFFL)
            .streamId(query.streamId() & 0xFFFF_FFFFL)
            .producerId(query.producerId() & 0xFFFF_FFFFL)
            .dataSourceId(query.dataSourceIdRaw());
        final DiscoveryRequestEncoder.TagsEncoder tags = encoder.tagsCount(query.tags().size());
        for (final String tag : query.tags())
        {
            final byte[] bytes = WireText.toBytes("tag", tag);
            tags.next().putTag(bytes, 0, bytes.length);
        }
        encoder.putResponseChannel(responseChannel, 0, responseChannel.length);
        final byte[] name = WireText.toBytes("dataSourceName", query.dataSourceName());
        encoder.putDataSourceName(name, 0, name.length);
        return MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
    }

    private static final class PendingRequest
    {
        final long requestId;
        final DiscoveryListener listener;
        final long deadlineNs;
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(256);
        int length;
        boolean sent;
        DiscoveryResult result;

        PendingRequest(final long requestId, final DiscoveryListener listener, final long deadlineNs)
        {
            this.requestId = requestId;
            this.listener = listener;
            this.deadlineNs = deadlineNs;
        }
    }

    /** Decodes {@code DiscoveryResponse} (schema 910 template 2, block length exactly 9). */
    private final class ResponseHandler extends SchemaGatedHandler
    {
        private final DiscoveryResponseDecoder decoder = new DiscoveryResponseDecoder();
        private final UnsafeBuffer view = new UnsafeBuffer(0, 0);

        ResponseHandler()
        {
            super(DiscoveryResponseDecoder.SCHEMA_ID, DiscoveryResponseDecoder.SCHEMA_VERSION);
        }

        @Override
        protected int onMessage(
            final int templateId, final int blockLength, final int version, final DirectBuffer buffer,
            final int length)
        {
            if (templateId != DiscoveryResponseDecoder.TEMPLATE_ID)
            {
                return UNKNOWN_TEMPLATE;
            }
            if (blockLength != DiscoveryResponseDecoder.BLOCK_LENGTH)
            {
                return MALFORMED;
            }
            if (!MessageShapes.DISCOVERY_RESPONSE.fits(buffer, length))
            {
                return MALFORMED;
            }
            final DiscoveryResponseDecoder response = decoder.wrap(buffer, HEADER_LENGTH, blockLength, version);
            final long requestId = response.requestId();
            final PendingRequest request = pending.get(requestId);
            if (null == request || null != request.result)
            {
                unknownRequestIds++;
                return HANDLED;
            }
            final short status = response.statusRaw();
            if (status < 1 || status > 3)
            {
                return MALFORMED;
            }
            final DiscoveryResponseDecoder.ResultsDecoder results = response.results();
            if (results.actingBlockLength() != DiscoveryResponseDecoder.ResultsDecoder.sbeBlockLength())
            {
                return MALFORMED;
            }
            final List<DiscoveredStream> streams = new ArrayList<>(results.count());
            int ignored = 0;
            while (results.hasNext())
            {
                final DiscoveredStream stream = decodeResult(results.next());
                if (null == stream)
                {
                    return MALFORMED;
                }
                if (stream == INVALID)
                {
                    ignored++;
                    invalidResults++;
                }
                else
                {
                    streams.add(stream);
                }
            }
            response.wrapErrorMessage(view);
            final String errorMessage = WireText.toString(view);
            if (status != 1 && !streams.isEmpty())
            {
                ignored += streams.size();
                ignoredNonOkResults += streams.size();
                streams.clear();
            }
            request.result = new DiscoveryResult(
                requestId,
                status == 3 ? DiscoveryResult.Status.ERROR : DiscoveryResult.Status.OK,
                status == 2,
                errorMessage,
                streams,
                ignored);
            return HANDLED;
        }

        /** A decoded result, {@link #INVALID} for a well-formed but invalid one, null if malformed. */
        private DiscoveredStream decodeResult(final DiscoveryResponseDecoder.ResultsDecoder r)
        {
            final int streamId = (int)r.streamId();
            final int producerId = (int)r.producerId();
            final long epoch = r.epoch();
            final int layoutVersion = (int)r.layoutVersion();
            final int headerNslots = (int)r.headerNslots();
            final int headerSlotBytes = r.headerSlotBytes();
            final int maxDims = r.maxDims();
            final long dataSourceId = r.dataSourceId();
            final int controlStreamId = (int)r.driverControlStreamId();
            boolean valid = headerSlotBytes == ShmLayout.HEADER_SLOT_BYTES && maxDims == ShmLayout.MAX_DIMS &&
                controlStreamId != 0;

            final DiscoveryResponseDecoder.ResultsDecoder.PayloadPoolsDecoder pools = r.payloadPools();
            if (pools.actingBlockLength() != DiscoveryResponseDecoder.ResultsDecoder.PayloadPoolsDecoder
                .sbeBlockLength())
            {
                return null;
            }
            final List<DiscoveredPool> poolList = new ArrayList<>(pools.count());
            while (pools.hasNext())
            {
                pools.next();
                final int nslots = (int)pools.poolNslots();
                valid &= nslots == headerNslots;
                final int poolId = pools.poolId();
                final int stride = (int)pools.strideBytes();
                pools.wrapRegionUri(view);
                poolList.add(new DiscoveredPool(poolId, WireText.toString(view), nslots, stride));
            }
            final DiscoveryResponseDecoder.ResultsDecoder.TagsDecoder tags = r.tags();
            if (tags.actingBlockLength() != DiscoveryResponseDecoder.ResultsDecoder.TagsDecoder.sbeBlockLength())
            {
                return null;
            }
            final LinkedHashSet<String> tagSet = new LinkedHashSet<>();
            while (tags.hasNext())
            {
                tags.next().wrapTag(view);
                if (view.capacity() > 0)
                {
                    tagSet.add(WireText.toString(view));
                }
            }
            r.wrapHeaderRegionUri(view);
            final String headerRegionUri = WireText.toString(view);
            r.wrapDataSourceName(view);
            final String name = WireText.toString(view);
            r.wrapDriverInstanceId(view);
            final String driverInstanceId = WireText.toString(view);
            r.wrapDriverControlChannel(view);
            final String controlChannel = WireText.toString(view);
            valid &= !controlChannel.isEmpty();
            if (!valid)
            {
                return INVALID;
            }
            return new DiscoveredStream(streamId, producerId, epoch, layoutVersion, headerRegionUri, headerNslots,
                headerSlotBytes, maxDims, poolList, dataSourceId, name, tagSet, driverInstanceId, controlChannel,
                controlStreamId);
        }
    }

    /** Marker for a well-formed result that failed validation. */
    private static final DiscoveredStream INVALID = new DiscoveredStream(0, 0, 0, 0, "", 0, 0, 0, List.of(),
        DiscoveryQuery.NULL_U64, "", java.util.Set.of(), "", "", 0);

    /**
     * Configuration of a {@link DiscoveryClient}, Aeron style: fluent accessors, defaults from
     * {@link DiscoveryConfiguration}, validated once by {@link #conclude()}.
     */
    public static final class Context extends DiscoveryContext<Context>
    {
        private String responseChannel = DiscoveryConfiguration.responseChannel();
        private int responseStreamId = DiscoveryConfiguration.responseStreamId();
        private int clientId = (int)ProcessHandle.current().pid();
        private long requestTimeoutNs = DiscoveryConfiguration.REQUEST_TIMEOUT_NS_DEFAULT;
        private int maxPendingRequests = 64;
        private IdleStrategy idleStrategy;

        @Override
        protected void concludeSettings()
        {
            if (null == requestChannel() || requestChannel().isEmpty())
            {
                throw new IllegalArgumentException("requestChannel must be non-empty");
            }
            if (null == responseChannel || responseChannel.isEmpty())
            {
                throw new IllegalArgumentException("responseChannel must be non-empty (Discovery §4.3)");
            }
            WireText.toBytes("responseChannel", responseChannel);
            if (0 == responseStreamId)
            {
                throw new IllegalArgumentException("responseStreamId must be non-zero (Discovery §5.1)");
            }
            if (requestTimeoutNs <= 0)
            {
                throw new IllegalArgumentException("requestTimeoutNs must be positive: " + requestTimeoutNs);
            }
            if (maxPendingRequests <= 0)
            {
                throw new IllegalArgumentException("maxPendingRequests must be positive: " + maxPendingRequests);
            }
            if (fragmentLimit() <= 0)
            {
                throw new IllegalArgumentException("fragmentLimit must be positive: " + fragmentLimit());
            }
            Objects.requireNonNull(nanoClock(), "nanoClock");
            if (null == idleStrategy)
            {
                idleStrategy = new BackoffIdleStrategy(10, 20, TimeUnit.MICROSECONDS.toNanos(1),
                    TimeUnit.MILLISECONDS.toNanos(1));
            }
        }

        /** Channel responses come back on; must be reachable from the provider (e.g. a UDP endpoint for a registry). */
        public Context responseChannel(final String responseChannel)
        {
            this.responseChannel = responseChannel;
            return this;
        }

        /** The value set by {@link #responseChannel(String)} (or its default). */
        public String responseChannel()
        {
            return responseChannel;
        }

        /** Stream id responses come back on; non-zero. */
        public Context responseStreamId(final int responseStreamId)
        {
            this.responseStreamId = responseStreamId;
            return this;
        }

        /** The value set by {@link #responseStreamId(int)} (or its default). */
        public int responseStreamId()
        {
            return responseStreamId;
        }

        /** Opaque client id sent with each request (Discovery §5.1); defaults to the process id. */
        public Context clientId(final int clientId)
        {
            this.clientId = clientId;
            return this;
        }

        /** The value set by {@link #clientId(int)} (or its default). */
        public int clientId()
        {
            return clientId;
        }

        /** Default deadline for a query's response. */
        public Context requestTimeoutNs(final long requestTimeoutNs)
        {
            this.requestTimeoutNs = requestTimeoutNs;
            return this;
        }

        /** The value set by {@link #requestTimeoutNs(long)} (or its default). */
        public long requestTimeoutNs()
        {
            return requestTimeoutNs;
        }

        /** Bound on outstanding queries. */
        public Context maxPendingRequests(final int maxPendingRequests)
        {
            this.maxPendingRequests = maxPendingRequests;
            return this;
        }

        /** The value set by {@link #maxPendingRequests(int)} (or its default). */
        public int maxPendingRequests()
        {
            return maxPendingRequests;
        }

        /** Idle strategy of the blocking {@link DiscoveryClient#query(DiscoveryQuery)}; default backoff to 1 ms. */
        public Context idleStrategy(final IdleStrategy idleStrategy)
        {
            this.idleStrategy = idleStrategy;
            return this;
        }

        /** The value set by {@link #idleStrategy(IdleStrategy)} (or its default). */
        public IdleStrategy idleStrategy()
        {
            return idleStrategy;
        }
    }
}
