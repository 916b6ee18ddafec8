package io.tensorpool.discovery;

import io.aeron.Aeron;
import io.aeron.FragmentAssembler;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.tensorpool.codecs.discovery.DiscoveryRequestDecoder;
import io.tensorpool.codecs.discovery.DiscoveryResponseEncoder;
import io.tensorpool.codecs.discovery.DiscoveryStatus;
import io.tensorpool.codecs.discovery.MessageHeaderEncoder;
import io.tensorpool.control.MessageShapes;
import io.tensorpool.control.SchemaGatedHandler;
import io.tensorpool.shm.ShmLayout;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

/**
 * A Discovery v1.0 provider as an Agrona {@link Agent}: indexes the announces of one or more drivers
 * ({@link DriverFeed}) and answers {@code DiscoveryRequest}s on the response endpoint each request names (Discovery
 * §4.3, §5). Embedded in a driver it has one feed describing that driver; as a standalone registry
 * ({@link DiscoveryRegistry}) it has several.
 * <p>
 * Request rules (Discovery §5.1, §5.2 and SPEC_DECISIONS "Discovery"):
 * <ul>
 *   <li>empty response channel: dropped silently, counted ({@link #requestsDroppedEmptyChannel()});</li>
 *   <li>response stream id 0: dropped without a response, counted ({@link #requestsDroppedZeroStreamId()});</li>
 *   <li>a name or tag over the bounds, an empty tag, or too many tags: {@code status=ERROR} with a message and no
 *   results;</li>
 *   <li>no match: {@code status=OK} with zero results; more matches than {@code maxResults}, or a response larger
 *   than the response channel can carry: {@code status=ERROR} saying so;</li>
 *   <li>the {@code requestId} is echoed; every result carries the feed's driver instance id and non-zero control
 *   stream id, and the full tag set.</li>
 * </ul>
 * Driving: call {@link #doWork()} from an {@code AgentRunner}, a {@code CompositeAgent} with the driver's own agent,
 * or directly from another agent's duty cycle. All state is confined to the thread calling {@code doWork()}; counters
 * may be read from other threads for diagnostics (values may lag). Request handling allocates a little (it is not a
 * data path); announce refreshes that change nothing allocate nothing.
 */
public final class DiscoveryProvider implements Agent, AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(DiscoveryProvider.class);
    private static final int MAX_ERROR_MESSAGE_LENGTH = 1024;

    private final Context ctx;
    private final Aeron aeron;
    private final NanoClock clock;
    private final StreamIndex index;
    private final Subscription requestSubscription;
    private final FragmentAssembler requestAssembler;
    private final RequestHandler requestHandler = new RequestHandler();
    private final List<Subscription> feedSubscriptions = new ArrayList<>();
    private final List<FragmentAssembler> feedAssemblers = new ArrayList<>();
    private final List<FeedHandler> feedHandlers = new ArrayList<>();
    private final ResponseEndpoints endpoints;
    private final ArrayList<PendingResponse> pending = new ArrayList<>();
    private final ArrayDeque<PendingResponse> freeResponses = new ArrayDeque<>();
    private final ArrayList<IndexedStream> matches = new ArrayList<>();
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final DiscoveryResponseEncoder responseEncoder = new DiscoveryResponseEncoder();
    private long nextSweepNs;
    private boolean isClosed;

    private volatile long requestsReceived;
    private volatile long requestsDroppedEmptyChannel;
    private volatile long requestsDroppedZeroStreamId;
    private volatile long requestsDroppedUnroutable;
    private volatile long errorResponses;
    private volatile long responsesSent;
    private volatile long responsesFailed;

    /**
     * Create a provider; subscriptions are added now (blocking on the media driver once), so construct it before the
     * duty cycle starts.
     *
     * @param ctx concluded here if not already; closed with the provider.
     */
    public DiscoveryProvider(final Context ctx)
    {
        this.ctx = ctx.conclude();
        this.aeron = ctx.aeron();
        this.clock = ctx.nanoClock();
        this.index = new StreamIndex(
            ctx.expiryTimeoutNs(),
            ctx.maxStreamsPerDriver(),
            ctx.maxNameLength(),
            ctx.maxTagLength(),
            ctx.maxTagsPerStream());
        this.endpoints = new ResponseEndpoints(aeron, ctx.maxResponseEndpoints(), ctx.responseEndpointIdleTimeoutNs());
        Subscription requests = null;
        try
        {
            requests = aeron.addSubscription(ctx.requestChannel(), ctx.requestStreamId());
            for (final DriverFeed feed : ctx.feeds())
            {
                final FeedHandler handler = new FeedHandler(index, index.addDriver(feed));
                feedHandlers.add(handler);
                addFeedSubscription(feed.announceChannel(), feed.announceStreamId(), handler);
                if (null != feed.metadataChannel() &&
                    !(feed.metadataChannel().equals(feed.announceChannel()) &&
                    feed.metadataStreamId() == feed.announceStreamId()))
                {
                    addFeedSubscription(feed.metadataChannel(), feed.metadataStreamId(), handler);
                }
            }
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietCloseAll(feedSubscriptions);
            CloseHelper.quietClose(requests);
            ctx.close();
            throw ex;
        }
        this.requestSubscription = requests;
        this.requestAssembler = new FragmentAssembler(requestHandler);
        for (int i = 0; i < ctx.maxPendingResponses(); i++)
        {
            freeResponses.add(new PendingResponse());
        }
        LOG.info("discovery provider requests={}/{} feeds={} expiryNs={}",
            ctx.requestChannel(), ctx.requestStreamId(), ctx.feeds(), ctx.expiryTimeoutNs());
    }

    private void addFeedSubscription(final String channel, final int streamId, final FeedHandler handler)
    {
        feedSubscriptions.add(aeron.addSubscription(channel, streamId));
        feedAssemblers.add(new FragmentAssembler(handler));
    }

    @Override
    public String roleName()
    {
        return ctx.roleName();
    }

    @Override
    public int doWork()
    {
        final long nowNs = clock.nanoTime();
        int work = 0;
        for (int i = 0, n = feedHandlers.size(); i < n; i++)
        {
            feedHandlers.get(i).nowNs(nowNs);
        }
        for (int i = 0, n = feedSubscriptions.size(); i < n; i++)
        {
            work += feedSubscriptions.get(i).poll(feedAssemblers.get(i), ctx.fragmentLimit());
        }
        requestHandler.nowNs = nowNs;
        work += requestSubscription.poll(requestAssembler, ctx.fragmentLimit());
        work += endpoints.poll();
        work += sendPending(nowNs);
        if (nowNs - nextSweepNs >= 0)
        {
            nextSweepNs = nowNs + ctx.sweepIntervalNs();
            work += index.expire(nowNs);
            work += endpoints.closeIdle(nowNs);
        }
        return work;
    }

    @Override
    public void onClose()
    {
        close();
    }

    /** Close subscriptions and response publications, and the Aeron client if the context owns it. Idempotent. */
    @Override
    public void close()
    {
        if (isClosed)
        {
            return;
        }
        isClosed = true;
        if (!aeron.isClosed())
        {
            CloseHelper.closeAll(endpoints, requestSubscription, () -> CloseHelper.closeAll(feedSubscriptions), ctx);
        }
        else
        {
            ctx.close();
        }
    }

    /** The index this provider answers from (read it on the duty-cycle thread only). */
    public StreamIndex index()
    {
        return index;
    }

    /** The concluded context. */
    public Context context()
    {
        return ctx;
    }

    /** Requests decoded (valid header and block length), whatever happened to them. */
    public long requestsReceived()
    {
        return requestsReceived;
    }

    /** Requests with an empty response channel, dropped silently (Discovery §5.1). */
    public long requestsDroppedEmptyChannel()
    {
        return requestsDroppedEmptyChannel;
    }

    /** Requests with response stream id 0, dropped without a response (SPEC_DECISIONS "Discovery"). */
    public long requestsDroppedZeroStreamId()
    {
        return requestsDroppedZeroStreamId;
    }

    /**
     * Requests that could not be answered: response channel too long, endpoint cache full of busy endpoints, too many
     * queued responses, or Aeron refused the response channel.
     */
    public long requestsDroppedUnroutable()
    {
        return requestsDroppedUnroutable;
    }

    /** Responses sent with {@code status=ERROR}. */
    public long errorResponses()
    {
        return errorResponses;
    }

    /** Responses published. */
    public long responsesSent()
    {
        return responsesSent;
    }

    /** Responses given up: endpoint not connected within the response timeout, closed, or failed to register. */
    public long responsesFailed()
    {
        return responsesFailed;
    }

    /** Request fragments rejected as malformed (short, wrong block length, lying lengths). */
    public long requestsMalformed()
    {
        return requestHandler.malformedCount();
    }

    /** Fragments on the request stream of other schemas (driver and wire control traffic), skipped. */
    public long requestStreamForeignSchema()
    {
        return requestHandler.foreignSchemaCount();
    }

    /** Request fragments with an unsupported discovery schema version, skipped. */
    public long requestsUnsupportedVersion()
    {
        return requestHandler.unsupportedVersionCount();
    }

    /** Feed fragments rejected as malformed, summed over feeds. */
    public long feedMalformed()
    {
        long total = 0;
        for (final FeedHandler handler : feedHandlers)
        {
            total += handler.malformedCount();
        }
        return total;
    }

    /** Response publications currently cached. */
    public int responseEndpointCount()
    {
        return endpoints.size();
    }

    private void onRequest(
        final DiscoveryRequestDecoder request, final UnsafeBuffer channelView, final String errorReason,
        final DiscoveryQuery query, final long nowNs)
    {
        final long requestId = request.requestId();
        final int responseStreamId = (int)request.responseStreamId();
        final int channelLength = channelView.capacity();
        if (0 == channelLength)
        {
            requestsDroppedEmptyChannel++;
            return;
        }
        if (0 == responseStreamId)
        {
            requestsDroppedZeroStreamId++;
            return;
        }
        if (channelLength > ctx.maxResponseChannelLength())
        {
            requestsDroppedUnroutable++;
            LOG.warn("discovery dropped request requestId={} clientId={}: response channel of {} bytes exceeds {}",
                requestId, request.clientId(), channelLength, ctx.maxResponseChannelLength());
            return;
        }
        final String channel = WireText.toString(channelView);
        final PendingResponse response = freeResponses.poll();
        if (null == response)
        {
            requestsDroppedUnroutable++;
            return;
        }
        final ResponseEndpoints.Endpoint endpoint = endpoints.acquire(channel, responseStreamId, nowNs);
        if (null == endpoint)
        {
            freeResponses.add(response);
            requestsDroppedUnroutable++;
            return;
        }

        if (null != errorReason)
        {
            encodeError(response, requestId, errorReason);
        }
        else
        {
            matches.clear();
            final int total = index.collect(query, nowNs, matches, ctx.maxResults());
            if (total > ctx.maxResults())
            {
                encodeError(response, requestId, total + " streams match, more than the limit of " +
                    ctx.maxResults() + "; narrow the filter");
            }
            else
            {
                encodeResults(response, requestId, matches);
            }
            matches.clear();
        }
        response.endpoint = endpoint;
        response.deadlineNs = nowNs + ctx.responseTimeoutNs();
        endpoint.queuedResponses++;
        pending.add(response);
        if (LOG.isDebugEnabled())
        {
            LOG.debug("discovery request requestId={} clientId={} response={}/{} query={} error={}",
                requestId, request.clientId(), channel, responseStreamId, query, errorReason);
        }
    }

    private int sendPending(final long nowNs)
    {
        int work = 0;
        // Oldest first, so responses to one endpoint leave in request order.
        for (int i = 0; i < pending.size(); i++)
        {
            final PendingResponse response = pending.get(i);
            final ResponseEndpoints.Endpoint endpoint = response.endpoint;
            boolean done = false;
            if (endpoint.failed)
            {
                responsesFailed++;
                done = true;
            }
            else if (null != endpoint.publication)
            {
                final Publication publication = endpoint.publication;
                if (response.length > publication.maxMessageLength())
                {
                    encodeError(response, response.requestId, "response of " + response.length +
                        " bytes exceeds the response channel's max message length " +
                        publication.maxMessageLength() + "; narrow the filter");
                }
                final long result = publication.offer(response.buffer, 0, response.length);
                if (result > 0)
                {
                    responsesSent++;
                    if (response.isError)
                    {
                        errorResponses++;
                    }
                    done = true;
                }
                else if (result == Publication.CLOSED || result == Publication.MAX_POSITION_EXCEEDED)
                {
                    responsesFailed++;
                    done = true;
                }
            }
            if (!done && nowNs - response.deadlineNs > 0)
            {
                responsesFailed++;
                LOG.debug("discovery response timed out requestId={} response={}/{}",
                    response.requestId, endpoint.channel, endpoint.streamId);
                done = true;
            }
            if (done)
            {
                pending.remove(i--);
                endpoints.release(endpoint);
                endpoint.lastUsedNs = nowNs;
                response.endpoint = null;
                freeResponses.add(response);
                work++;
            }
        }
        return work;
    }

    private DiscoveryResponseEncoder wrapResponse(final PendingResponse response, final long requestId)
    {
        response.requestId = requestId;
        return responseEncoder.wrapAndApplyHeader(response.buffer, 0, headerEncoder).requestId(requestId);
    }

    private void encodeError(final PendingResponse response, final long requestId, final String message)
    {
        final byte[] bytes = message.getBytes(StandardCharsets.US_ASCII);
        final DiscoveryResponseEncoder encoder = wrapResponse(response, requestId).status(DiscoveryStatus.ERROR);
        encoder.resultsCount(0);
        encoder.putErrorMessage(bytes, 0, Math.min(bytes.length, MAX_ERROR_MESSAGE_LENGTH));
        response.length = MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
        response.isError = true;
    }

    private void encodeResults(final PendingResponse response, final long requestId, final List<IndexedStream> list)
    {
        final DiscoveryResponseEncoder encoder = wrapResponse(response, requestId).status(DiscoveryStatus.OK);
        final DiscoveryResponseEncoder.ResultsEncoder results = encoder.resultsCount(list.size());
        for (int i = 0, n = list.size(); i < n; i++)
        {
            final IndexedStream s = list.get(i);
            final DriverStreams driver = s.driver;
            results.next()
                .streamId(s.streamId & 0xFFFF_FFFFL)
                .producerId(s.producerId & 0xFFFF_FFFFL)
                .epoch(s.epoch)
                .layoutVersion(s.layoutVersion & 0xFFFF_FFFFL)
                .headerNslots(s.headerNslots & 0xFFFF_FFFFL)
                .headerSlotBytes(s.headerSlotBytes)
                .maxDims((short)ShmLayout.MAX_DIMS)
                .dataSourceId(s.dataSourceId)
                .driverControlStreamId(driver.feed.controlStreamId() & 0xFFFF_FFFFL);
            final int poolCount = s.poolIds.length;
            final DiscoveryResponseEncoder.ResultsEncoder.PayloadPoolsEncoder pools = results.payloadPoolsCount(poolCount);
            for (int p = 0; p < poolCount; p++)
            {
                final byte[] uri = s.poolRegionUris[p];
                pools.next()
                    .poolId(s.poolIds[p])
                    .poolNslots(s.poolNslots[p] & 0xFFFF_FFFFL)
                    .strideBytes(s.poolStrideBytes[p] & 0xFFFF_FFFFL)
                    .putRegionUri(uri, 0, uri.length);
            }
            final DiscoveryResponseEncoder.ResultsEncoder.TagsEncoder tags = results.tagsCount(s.tags.length);
            for (final byte[] tag : s.tags)
            {
                tags.next().putTag(tag, 0, tag.length);
            }
            results.putHeaderRegionUri(s.headerRegionUri, 0, s.headerRegionUri.length);
            results.putDataSourceName(s.dataSourceName, 0, s.dataSourceName.length);
            results.putDriverInstanceId(driver.instanceIdBytes, 0, driver.instanceIdBytes.length);
            results.putDriverControlChannel(driver.controlChannelBytes, 0, driver.controlChannelBytes.length);
        }
        encoder.putErrorMessage(WireText.EMPTY, 0, 0);
        response.length = MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
        response.isError = false;
    }

    /** One encoded response waiting for its endpoint's publication to connect. */
    private static final class PendingResponse
    {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(1024);
        long requestId;
        int length;
        boolean isError;
        long deadlineNs;
        ResponseEndpoints.Endpoint endpoint;
    }

    /** Decodes {@code DiscoveryRequest} (schema 910 template 1, block length exactly 32). */
    private final class RequestHandler extends SchemaGatedHandler
    {
        private final DiscoveryRequestDecoder decoder = new DiscoveryRequestDecoder();
        private final UnsafeBuffer channelView = new UnsafeBuffer(0, 0);
        private final UnsafeBuffer textView = new UnsafeBuffer(0, 0);
        long nowNs;

        RequestHandler()
        {
            super(DiscoveryRequestDecoder.SCHEMA_ID, DiscoveryRequestDecoder.SCHEMA_VERSION);
        }

        @Override
        protected int onMessage(
            final int templateId, final int blockLength, final int version, final DirectBuffer buffer,
            final int length)
        {
            if (templateId != DiscoveryRequestDecoder.TEMPLATE_ID)
            {
                return UNKNOWN_TEMPLATE;
            }
            if (blockLength != DiscoveryRequestDecoder.BLOCK_LENGTH)
            {
                return MALFORMED;
            }
            if (!MessageShapes.DISCOVERY_REQUEST.fits(buffer, length))
            {
                return MALFORMED;
            }
            final DiscoveryRequestDecoder request = decoder.wrap(buffer, HEADER_LENGTH, blockLength, version);
            final DiscoveryRequestDecoder.TagsDecoder tagsDecoder = request.tags();
            if (tagsDecoder.actingBlockLength() != DiscoveryRequestDecoder.TagsDecoder.sbeBlockLength())
            {
                return MALFORMED;
            }

            // Decode every field before deciding, so a bad field cannot hide a malformed tail.
            String errorReason = null;
            final LinkedHashSet<String> tags = tagsDecoder.count() == 0 ? null : new LinkedHashSet<>();
            while (tagsDecoder.hasNext())
            {
                tagsDecoder.next().wrapTag(textView);
                final int tagLength = textView.capacity();
                if (null != errorReason)
                {
                    continue;
                }
                if (0 == tagLength)
                {
                    errorReason = "empty tag in request";
                }
                else if (tagLength > ctx.maxTagLength())
                {
                    errorReason = "tag of " + tagLength + " bytes exceeds the limit of " + ctx.maxTagLength();
                }
                else
                {
                    tags.add(WireText.toString(textView));
                    if (tags.size() > ctx.maxTagsPerRequest())
                    {
                        errorReason = "more than " + ctx.maxTagsPerRequest() + " distinct tags in request";
                    }
                }
            }
            request.wrapResponseChannel(channelView);
            request.wrapDataSourceName(textView);
            final int nameLength = textView.capacity();
            if (null == errorReason && nameLength > ctx.maxNameLength())
            {
                errorReason = "dataSourceName of " + nameLength + " bytes exceeds the limit of " +
                    ctx.maxNameLength();
            }
            DiscoveryQuery query = null;
            if (null == errorReason)
            {
                query = DiscoveryQuery.fromWire(
                    (int)request.streamId(),
                    (int)request.producerId(),
                    request.dataSourceId(),
                    WireText.toString(textView),
                    null == tags ? java.util.Set.of() : tags);
            }
            requestsReceived++;
            onRequest(request, channelView, errorReason, query, nowNs);
            return HANDLED;
        }

        @Override
        protected void onRejected(final String reason, final long value)
        {
            LOG.debug("discovery request fragment rejected: {} {}", reason, value);
        }
    }

    /**
     * Configuration of a {@link DiscoveryProvider}, Aeron style: fluent accessors, defaults from
     * {@link DiscoveryConfiguration} system properties, validated once by {@link #conclude()}.
     */
    public static final class Context extends DiscoveryContext<Context>
    {
        private final List<DriverFeed> feeds = new ArrayList<>();
        private long announcePeriodNs = DiscoveryConfiguration.announcePeriodNs();
        private long expiryTimeoutNs;
        private int maxResults = DiscoveryConfiguration.MAX_RESULTS_DEFAULT;
        private int maxStreamsPerDriver = DiscoveryConfiguration.MAX_STREAMS_PER_DRIVER_DEFAULT;
        private int maxNameLength = DiscoveryQuery.MAX_NAME_LENGTH;
        private int maxTagLength = DiscoveryQuery.MAX_TAG_LENGTH;
        private int maxTagsPerStream = DiscoveryQuery.MAX_TAGS;
        private int maxTagsPerRequest = DiscoveryQuery.MAX_TAGS;
        private int maxResponseChannelLength = DiscoveryConfiguration.MAX_RESPONSE_CHANNEL_LENGTH_DEFAULT;
        private int maxResponseEndpoints = DiscoveryConfiguration.MAX_RESPONSE_ENDPOINTS_DEFAULT;
        private long responseEndpointIdleTimeoutNs = DiscoveryConfiguration.RESPONSE_ENDPOINT_IDLE_TIMEOUT_NS_DEFAULT;
        private long responseTimeoutNs = DiscoveryConfiguration.RESPONSE_TIMEOUT_NS_DEFAULT;
        private int maxPendingResponses = DiscoveryConfiguration.MAX_PENDING_RESPONSES_DEFAULT;
        private long sweepIntervalNs = DiscoveryConfiguration.SWEEP_INTERVAL_NS_DEFAULT;
        private String roleName = "tensorpool-discovery";

        @Override
        protected void concludeSettings()
        {
            requireText("requestChannel", requestChannel());
            if (feeds.isEmpty())
            {
                throw new IllegalArgumentException("at least one driver feed is required");
            }
            for (int i = 0; i < feeds.size(); i++)
            {
                for (int j = i + 1; j < feeds.size(); j++)
                {
                    final DriverFeed a = feeds.get(i);
                    final DriverFeed b = feeds.get(j);
                    if (a.driverInstanceId().equals(b.driverInstanceId()))
                    {
                        throw new IllegalArgumentException("two feeds with driver instance id " +
                            a.driverInstanceId());
                    }
                    if (a.announceChannel().equals(b.announceChannel()) &&
                        a.announceStreamId() == b.announceStreamId())
                    {
                        throw new IllegalArgumentException("feeds " + a.driverInstanceId() + " and " +
                            b.driverInstanceId() + " share the announce endpoint " + a.announceChannel() + "/" +
                            a.announceStreamId() + "; announces carry no driver id, so each driver needs its own");
                    }
                }
            }
            requirePositive("announcePeriodNs", announcePeriodNs);
            if (0 == expiryTimeoutNs)
            {
                expiryTimeoutNs = 3 * announcePeriodNs;
            }
            requirePositive("expiryTimeoutNs", expiryTimeoutNs);
            requirePositive("maxResults", maxResults);
            if (maxResults > 65534)
            {
                throw new IllegalArgumentException("maxResults exceeds the SBE group limit 65534: " + maxResults);
            }
            requirePositive("maxStreamsPerDriver", maxStreamsPerDriver);
            requirePositive("maxNameLength", maxNameLength);
            requirePositive("maxTagLength", maxTagLength);
            requirePositive("maxTagsPerStream", maxTagsPerStream);
            requirePositive("maxTagsPerRequest", maxTagsPerRequest);
            requirePositive("maxResponseChannelLength", maxResponseChannelLength);
            requirePositive("maxResponseEndpoints", maxResponseEndpoints);
            requirePositive("responseEndpointIdleTimeoutNs", responseEndpointIdleTimeoutNs);
            requirePositive("responseTimeoutNs", responseTimeoutNs);
            requirePositive("maxPendingResponses", maxPendingResponses);
            requirePositive("sweepIntervalNs", sweepIntervalNs);
            requirePositive("fragmentLimit", fragmentLimit());
            Objects.requireNonNull(nanoClock(), "nanoClock");
        }

        /** Add a driver to index. At least one is required; instance ids and announce endpoints must differ. */
        public Context addFeed(final DriverFeed feed)
        {
            feeds.add(Objects.requireNonNull(feed, "feed"));
            return this;
        }

        /** The feeds, in the order added (results list drivers in this order). */
        public List<DriverFeed> feeds()
        {
            return List.copyOf(feeds);
        }

        /** The drivers' announce period; the expiry window defaults to three of them (Discovery §6.2). */
        public Context announcePeriodNs(final long announcePeriodNs)
        {
            this.announcePeriodNs = announcePeriodNs;
            return this;
        }

        /** The value set by {@link #announcePeriodNs(long)} (or its default). */
        public long announcePeriodNs()
        {
            return announcePeriodNs;
        }

        /** Expiry window; 0 (default) means 3x the announce period. */
        public Context expiryTimeoutNs(final long expiryTimeoutNs)
        {
            this.expiryTimeoutNs = expiryTimeoutNs;
            return this;
        }

        /** The value set by {@link #expiryTimeoutNs(long)} (or its default). */
        public long expiryTimeoutNs()
        {
            return expiryTimeoutNs;
        }

        /** Most results in one response; more matches answer {@code status=ERROR} (Discovery §5.2: 1000). */
        public Context maxResults(final int maxResults)
        {
            this.maxResults = maxResults;
            return this;
        }

        /** The value set by {@link #maxResults(int)} (or its default). */
        public int maxResults()
        {
            return maxResults;
        }

        /** Bound on indexed streams per driver. */
        public Context maxStreamsPerDriver(final int maxStreamsPerDriver)
        {
            this.maxStreamsPerDriver = maxStreamsPerDriver;
            return this;
        }

        /** The value set by {@link #maxStreamsPerDriver(int)} (or its default). */
        public int maxStreamsPerDriver()
        {
            return maxStreamsPerDriver;
        }

        /** Longest data source name indexed or queried (256, Discovery §5.1). */
        public Context maxNameLength(final int maxNameLength)
        {
            this.maxNameLength = maxNameLength;
            return this;
        }

        /** The value set by {@link #maxNameLength(int)} (or its default). */
        public int maxNameLength()
        {
            return maxNameLength;
        }

        /** Longest tag indexed or queried. */
        public Context maxTagLength(final int maxTagLength)
        {
            this.maxTagLength = maxTagLength;
            return this;
        }

        /** The value set by {@link #maxTagLength(int)} (or its default). */
        public int maxTagLength()
        {
            return maxTagLength;
        }

        /** Most distinct tags indexed per stream; a {@code DataSourceMeta} with more is rejected. */
        public Context maxTagsPerStream(final int maxTagsPerStream)
        {
            this.maxTagsPerStream = maxTagsPerStream;
            return this;
        }

        /** The value set by {@link #maxTagsPerStream(int)} (or its default). */
        public int maxTagsPerStream()
        {
            return maxTagsPerStream;
        }

        /** Most distinct tags in one request; more answer {@code status=ERROR}. */
        public Context maxTagsPerRequest(final int maxTagsPerRequest)
        {
            this.maxTagsPerRequest = maxTagsPerRequest;
            return this;
        }

        /** The value set by {@link #maxTagsPerRequest(int)} (or its default). */
        public int maxTagsPerRequest()
        {
            return maxTagsPerRequest;
        }

        /** Longest response channel accepted; longer requests are dropped (counted) since they cannot be routed. */
        public Context maxResponseChannelLength(final int maxResponseChannelLength)
        {
            this.maxResponseChannelLength = maxResponseChannelLength;
            return this;
        }

        /** The value set by {@link #maxResponseChannelLength(int)} (or its default). */
        public int maxResponseChannelLength()
        {
            return maxResponseChannelLength;
        }

        /** Bound on cached response publications. */
        public Context maxResponseEndpoints(final int maxResponseEndpoints)
        {
            this.maxResponseEndpoints = maxResponseEndpoints;
            return this;
        }

        /** The value set by {@link #maxResponseEndpoints(int)} (or its default). */
        public int maxResponseEndpoints()
        {
            return maxResponseEndpoints;
        }

        /** A response publication unused this long is closed. */
        public Context responseEndpointIdleTimeoutNs(final long responseEndpointIdleTimeoutNs)
        {
            this.responseEndpointIdleTimeoutNs = responseEndpointIdleTimeoutNs;
            return this;
        }

        /** The value set by {@link #responseEndpointIdleTimeoutNs(long)} (or its default). */
        public long responseEndpointIdleTimeoutNs()
        {
            return responseEndpointIdleTimeoutNs;
        }

        /** How long a response waits for its endpoint to connect before it is dropped (counted). */
        public Context responseTimeoutNs(final long responseTimeoutNs)
        {
            this.responseTimeoutNs = responseTimeoutNs;
            return this;
        }

        /** The value set by {@link #responseTimeoutNs(long)} (or its default). */
        public long responseTimeoutNs()
        {
            return responseTimeoutNs;
        }

        /** Bound on responses waiting to be sent; requests beyond it are dropped (counted). */
        public Context maxPendingResponses(final int maxPendingResponses)
        {
            this.maxPendingResponses = maxPendingResponses;
            return this;
        }

        /** The value set by {@link #maxPendingResponses(int)} (or its default). */
        public int maxPendingResponses()
        {
            return maxPendingResponses;
        }

        /** How often expired entries and idle endpoints are swept (queries filter expired entries regardless). */
        public Context sweepIntervalNs(final long sweepIntervalNs)
        {
            this.sweepIntervalNs = sweepIntervalNs;
            return this;
        }

        /** The value set by {@link #sweepIntervalNs(long)} (or its default). */
        public long sweepIntervalNs()
        {
            return sweepIntervalNs;
        }

        /** Agent role name. */
        public Context roleName(final String roleName)
        {
            this.roleName = roleName;
            return this;
        }

        /** The value set by {@link #roleName(String)} (or its default). */
        public String roleName()
        {
            return roleName;
        }

        private static void requireText(final String what, final String value)
        {
            if (null == value || value.isEmpty())
            {
                throw new IllegalArgumentException(what + " must be non-empty");
            }
        }

        private static void requirePositive(final String what, final long value)
        {
            if (value <= 0)
            {
                throw new IllegalArgumentException(what + " must be positive: " + value);
            }
        }
    }
}
