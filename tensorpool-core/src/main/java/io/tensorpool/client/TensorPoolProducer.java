package io.tensorpool.client;

import io.aeron.Aeron;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.tensorpool.codecs.wire.ConsumerHelloDecoder;
import io.tensorpool.codecs.wire.Dtype;
import io.tensorpool.codecs.wire.QosConsumerDecoder;
import io.tensorpool.control.SharedPublications;
import io.tensorpool.control.WireMessageEncoder;
import io.tensorpool.control.WireMessageListener;
import io.tensorpool.control.WirePoller;
import io.tensorpool.shm.FrameClaim;
import io.tensorpool.shm.SlotWriter;
import io.tensorpool.shm.StreamLayout;
import io.tensorpool.shm.StreamRegions;
import io.tensorpool.tensor.TensorLayoutRules;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.NanoClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Publishes tensors into shared memory and announces them over Aeron (Wire v1.1 §8–§11, standalone mode by default).
 * <p>
 * Write path, zero-copy: {@link #tryClaim} a slot, write the payload into {@link FrameClaim#buffer()}, describe the
 * tensor on the claim ({@code dtype}, {@code shape}, ...), then {@link #commit}: the slot is committed through the
 * seqlock (Wire §8.3) and only then a {@code FrameDescriptor} is published. Nothing blocks: a frame for which no pool
 * is large enough is dropped and counted (Wire §9), descriptor back-pressure is counted, never waited on (Wire §15.4).
 * <p>
 * Control plane, in {@link #doWork()}: {@code ShmPoolAnnounce} (clock domain MONOTONIC, every announce period and on
 * change, standalone mode only), {@code DataSourceAnnounce}/{@code DataSourceMeta}, {@code QosProducer},
 * {@code ConsumerHello} handling with per-consumer descriptor/control streams, rate caps and stale-consumer cleanup
 * (Wire §5, §10.1.2–§10.1.3), {@code FrameProgress} throttling (Wire §10.2.2).
 * <p>
 * Regions come from the {@link ProducerRegionSource} seam of the {@link Context} ({@link StandaloneRegionSource} by
 * default). Not thread-safe: call every method from one thread (e.g. call {@link #doWork()} from the publishing loop,
 * or run the producer as an agent that also publishes). The hot path allocates nothing.
 */
public final class TensorPoolProducer implements Agent, AutoCloseable
{
    /** No regions are usable yet (driver attach pending or revoked). */
    public static final long NOT_READY = -1;
    /** No payload pool is large enough for the length; the frame is dropped and counted (Wire §9). */
    public static final long NO_POOL_FITS = -2;
    /** The producer is closed. */
    public static final long CLOSED = -3;
    /** A claim is already open; commit or abort it first. */
    public static final long CLAIM_ALREADY_OPEN = -4;
    /** The tensor description broke a layout rule (Wire §8.2); the slot stays IN-PROGRESS, nothing is announced. */
    public static final long INVALID_TENSOR = -5;
    /** {@code commit}/{@code abort} without a matching open claim (or after the epoch changed). */
    public static final long NO_OPEN_CLAIM = -6;
    /** Largest {@code MetaBlobChunk} payload (SPEC_DECISIONS "Control plane": CHUNK_MAX 64 KiB). */
    public static final int META_BLOB_CHUNK_MAX = 64 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(TensorPoolProducer.class);
    private static final long WARN_INTERVAL_NS = 5_000_000_000L;

    private final Context ctx;
    private final NanoClock clock;
    private final int streamId;
    private final int producerId;
    private final ProducerRegionSource regionSource;
    private final SharedPublications publications;
    private final Publication controlPublication;
    private final Publication qosPublication;
    private final List<WirePoller> pollers = new ArrayList<>();
    private final WireMessageEncoder encoder = new WireMessageEncoder();
    private final FrameClaim offerClaim = new FrameClaim();
    // collaborators, one per concern: consumer sessions (Wire §5, §10.1.2), data source metadata and blobs (§10.3),
    // descriptor fan-out with its retry queue (§10.2.1), FrameProgress (§10.2.2). All share the encoder and run on
    // this producer's thread. Final fields of final classes, so commit's calls into descriptors and progress inline
    // like the private methods they replaced.
    private final ConsumerSessions consumers;
    private final MetadataPublisher metadata;
    private final DescriptorPublisher descriptors;
    private final ProgressThrottle progress;

    private StreamRegions regions;
    private StreamLayout layout;
    private SlotWriter writer;
    private long epoch;
    private long seq;
    private boolean claimOpen;
    private boolean closed;

    // stamped on every claim, so it lives here rather than in MetadataPublisher
    private long metaVersion = 1;

    private long nextAnnounceNs;
    private long nextQosNs;
    private long nextMetadataNs;
    /** How soon an undelivered data source declaration is sent again. */
    private static final long METADATA_RETRY_NS = 10_000_000L;
    private long nextSessionCheckNs;

    private long framesPublished;
    private long framesDropped;
    private long framesInvalid;
    private long bytesPublished;
    private long lastDropWarnNs = Long.MIN_VALUE;

    /**
     * Connect to Aeron (or use the given client), acquire the regions through the region source, and create the
     * publications and subscriptions. On failure everything acquired so far is released.
     */
    public TensorPoolProducer(final Context context)
    {
        context.conclude();
        this.ctx = context;
        this.clock = context.nanoClock();
        this.streamId = context.streamId();
        this.producerId = context.producerId();
        this.regionSource = context.regionSource();
        SharedPublications pubs = null;
        try
        {
            final Aeron aeron = context.aeron();
            pubs = new SharedPublications(aeron);
            this.publications = pubs;
            this.controlPublication = pubs.publication(context.controlChannel(), context.controlStreamId());
            final Publication descriptorPublication =
                pubs.publication(context.descriptorChannel(), context.descriptorStreamId());
            this.qosPublication = pubs.publication(context.qosChannel(), context.qosStreamId());
            final Publication metadataPublication =
                pubs.publication(context.metadataChannel(), context.metadataStreamId());
            this.metadata = new MetadataPublisher(context, clock, streamId, producerId, encoder, metadataPublication);
            this.consumers = new ConsumerSessions(context, clock, streamId, encoder, controlPublication);
            this.descriptors = new DescriptorPublisher(
                encoder, clock, streamId, descriptorPublication, consumers.list());
            this.progress = new ProgressThrottle(
                encoder, clock, streamId, context, descriptorPublication, consumers.list());

            final Listener listener = new Listener();
            final Map<String, WirePoller> byEndpoint = new HashMap<>();
            addPoller(aeron, byEndpoint, listener, context.controlChannel(), context.controlStreamId(), "control");
            addPoller(aeron, byEndpoint, listener, context.qosChannel(), context.qosStreamId(), "qos");

            metadata.attributes(context.metadataAttributes());
            regionSource.open(context);
            final long nowNs = clock.nanoTime();
            nextAnnounceNs = nowNs;
            nextQosNs = nowNs;
            nextMetadataNs = nowNs;
            nextSessionCheckNs = nowNs + context.consumerHelloIntervalNs();
            switchRegions(regionSource.regions(), regionSource.layout());
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietCloseAll(pollers);
            CloseHelper.quietClose(pubs);
            CloseHelper.quietClose(regionSource);
            context.closeOwned();
            throw ex;
        }
    }

    private void addPoller(
        final Aeron aeron,
        final Map<String, WirePoller> byEndpoint,
        final WireMessageListener listener,
        final String channel,
        final int id,
        final String role)
    {
        final String key = SharedPublications.endpointKey(channel, id);
        if (!byEndpoint.containsKey(key))
        {
            final Subscription subscription = aeron.addSubscription(channel, id);
            final WirePoller poller = new WirePoller(subscription, listener, 0, role + " " + channel + "/" + id, true);
            byEndpoint.put(key, poller);
            pollers.add(poller);
        }
    }

    // ---------------------------------------------------------------- write path

    /**
     * Claim the slot for the next frame with room for {@code length} payload bytes. Write into
     * {@link FrameClaim#buffer()}, describe the tensor on the claim, then {@link #commit} or {@link #abort}. The claim's
     * timestamp is preset to now (the context clock) and its meta version to the current one.
     *
     * @return the frame's sequence number (>= 0), or {@link #NO_POOL_FITS} (counted as a drop), {@link #NOT_READY},
     * {@link #CLOSED}, {@link #CLAIM_ALREADY_OPEN}.
     */
    public long tryClaim(final int length, final FrameClaim claim)
    {
        if (closed)
        {
            return CLOSED;
        }
        if (writer == null)
        {
            return NOT_READY;
        }
        if (claimOpen)
        {
            return CLAIM_ALREADY_OPEN;
        }
        final int index = writer.claim(seq, length, claim);
        if (index == SlotWriter.NO_POOL_FITS)
        {
            framesDropped++;
            warnDrop(length);
            return NO_POOL_FITS;
        }
        if (index < 0)
        {
            return CLAIM_ALREADY_OPEN;
        }
        claimOpen = true;
        claim.timestampNs(clock.nanoTime()).metaVersion(metaVersion);
        return seq;
    }

    /**
     * Commit the claimed slot (seqlock COMMITTED, Wire §8.3) and publish its {@code FrameDescriptor} on the shared
     * descriptor stream and on every per-consumer descriptor stream (subject to each consumer's rate cap).
     * Descriptor back-pressure never blocks: it is counted and the frame stays in the ring.
     *
     * @return the committed sequence number, or {@link #INVALID_TENSOR}, {@link #NO_OPEN_CLAIM}, {@link #CLOSED}.
     */
    public long commit(final FrameClaim claim)
    {
        if (closed)
        {
            return CLOSED;
        }
        if (!claimOpen || claim.seq() != seq)
        {
            return NO_OPEN_CLAIM;
        }
        claimOpen = false;
        final int result = claim.commit();
        if (result != TensorLayoutRules.OK)
        {
            framesInvalid++;
            if (shouldWarn())
            {
                LOG.warn("stream={} epoch={} seq={} frame not published: tensor description invalid: {}",
                    Integer.toUnsignedString(streamId), epoch, seq, TensorLayoutRules.describe(result));
            }
            return INVALID_TENSOR;
        }
        final long committedSeq = seq;
        final int headerIndex = claim.headerIndex();
        progress.complete(epoch, committedSeq, headerIndex, claim.length());
        descriptors.publish(epoch, committedSeq, headerIndex, regions.headerRing());
        framesPublished++;
        bytesPublished += claim.length();
        seq++;
        return committedSeq;
    }

    /** Give up an open claim; the slot stays IN-PROGRESS and the sequence number is reused by the next claim. */
    public long abort(final FrameClaim claim)
    {
        if (!claimOpen)
        {
            return NO_OPEN_CLAIM;
        }
        claimOpen = false;
        claim.abort();
        return 0;
    }

    /**
     * Copy a tensor's bytes into the next slot and commit it.
     *
     * @param shape the first {@code ndims} entries are the dimensions; strides are inferred contiguous, row-major.
     * @return the committed sequence or a negative code as for {@link #tryClaim} and {@link #commit}.
     */
    public long offer(
        final DirectBuffer src,
        final int offset,
        final int length,
        final Dtype dtype,
        final int[] shape,
        final int ndims)
    {
        final long claimed = tryClaim(length, offerClaim);
        if (claimed < 0)
        {
            return claimed;
        }
        offerClaim.buffer().putBytes(0, src, offset, length);
        offerClaim.dtype(dtype).shape(shape, ndims);
        final long committed = commit(offerClaim);
        if (committed < 0 && claimOpen)
        {
            abort(offerClaim);
        }
        return committed;
    }

    /**
     * Report acquisition progress of the open claim: {@code STARTED} on the first report for the frame, then
     * {@code PROGRESS} at most once per aggregated interval and only when at least the aggregated byte delta was
     * added (Wire §10.2.2). {@code COMPLETE} is sent by {@link #commit}. Skipped entirely when no consumer announced
     * {@code supports_progress}.
     *
     * @return 1 if a message was published, 0 if throttled or skipped, {@link #NO_OPEN_CLAIM} without an open claim.
     */
    public int reportProgress(final FrameClaim claim, final long bytesFilled)
    {
        if (!claimOpen || claim.seq() != seq)
        {
            return (int)NO_OPEN_CLAIM;
        }
        return progress.report(epoch, seq, claim.headerIndex(), bytesFilled, claim.length());
    }

    /**
     * Replace the user attributes of the data source metadata, bump {@code meta_version} and publish
     * {@code DataSourceAnnounce} and {@code DataSourceMeta} now (Wire §10.3). Frames claimed afterwards carry the new
     * version. Tags and the data source id from the context are always included.
     *
     * @return the new meta version.
     */
    public long updateMetadata(final List<MetadataAttribute> attributes)
    {
        metadata.attributes(attributes);
        metaVersion = (metaVersion + 1) & 0xFFFF_FFFFL;
        if (!metadata.publish(clock.nanoTime(), epoch, metaVersion))
        {
            nextMetadataNs = clock.nanoTime(); // not received: the next duty cycle sends it again
        }
        return metaVersion;
    }

    /**
     * Publish a large metadata blob for the current {@code meta_version} (Wire §10.3.3): {@code MetaBlobAnnounce}
     * with the total length and CRC-32C, {@code MetaBlobChunk}s of at most {@link #META_BLOB_CHUNK_MAX} bytes in
     * order, then {@code MetaBlobComplete}. Call {@link #updateMetadata} first when the blob belongs to new metadata,
     * so frames carry the version it is published under. Not for the frame path: it retries back-pressure for up to
     * the context's {@code metaBlobSendTimeoutNs}; when that runs out (or nobody subscribes) consumers discard the
     * partial blob (no repair in v1.1) and this returns false: publish it again.
     *
     * @return true when every message of the blob was accepted by the metadata publication.
     * @throws IllegalArgumentException for a negative offset or length.
     */
    public boolean publishMetaBlob(final long blobType, final DirectBuffer blob, final int offset, final int length)
    {
        if (offset < 0 || length < 0 || offset + (long)length > blob.capacity())
        {
            throw new IllegalArgumentException("blob range outside the buffer: offset=" + offset + " length=" +
                length + " capacity=" + blob.capacity());
        }
        if (closed)
        {
            return false;
        }
        return metadata.publishBlob(metaVersion, blobType, blob, offset, length);
    }

    /** Meta blobs published completely. */
    public long metaBlobsPublished()
    {
        return metadata.blobsPublished();
    }

    /** Meta blobs not published completely (back-pressure past the timeout, nobody subscribed, closed). */
    public long metaBlobsFailed()
    {
        return metadata.blobsFailed();
    }

    /**
     * Change the ring size and pool strides: new regions at a higher epoch, seq back to 0, announced at once (Wire
     * §15.2). Consumers remap on the new announce. Not possible with an open claim, or when the region source does not
     * own the layout (driver mode).
     *
     * @throws IllegalStateException with a claim open or when closed.
     * @throws UnsupportedOperationException if the region source cannot change the layout.
     */
    public void changeLayout(final int headerNslots, final int... poolStrides)
    {
        if (closed || claimOpen)
        {
            throw new IllegalStateException(closed ? "producer closed" : "commit or abort the open claim first");
        }
        if (headerNslots <= 0 || Integer.bitCount(headerNslots) != 1 || poolStrides.length == 0)
        {
            throw new IllegalArgumentException("headerNslots must be a power of two and at least one stride is " +
                "required: nslots=" + headerNslots + " strides=" + poolStrides.length);
        }
        final int[] ids = new int[poolStrides.length];
        for (int i = 0; i < ids.length; i++)
        {
            ids[i] = i + 1;
        }
        regionSource.changeLayout(headerNslots, ids, poolStrides.clone(), clock.nanoTime());
        switchRegions(regionSource.regions(), regionSource.layout());
    }

    // ---------------------------------------------------------------- duty cycle

    /** {@inheritDoc} Runs the control-plane duty cycle; never blocks. */
    @Override
    public int doWork()
    {
        if (closed)
        {
            return 0;
        }
        final long nowNs = clock.nanoTime();
        int work = regionSource.doWork(nowNs);
        if (regionSource.regions() != regions)
        {
            switchRegions(regionSource.regions(), regionSource.layout());
            work++;
        }
        for (int i = 0, n = pollers.size(); i < n; i++)
        {
            work += pollers.get(i).poll(16);
        }
        if (descriptors.hasPending())
        {
            descriptors.flushPending(epoch);
            work++;
        }
        if (nowNs - nextAnnounceNs >= 0)
        {
            nextAnnounceNs = nowNs + ctx.announcePeriodNs();
            LoggingAeronClients.requireOpen(ctx.aeron(), "producer", streamId);
            work += announce(nowNs);
        }
        if (nowNs - nextQosNs >= 0)
        {
            nextQosNs = nowNs + ctx.qosPeriodNs();
            // current_seq: the last published frame (0 before the first)
            final int length = encoder.qosProducer(streamId, producerId, epoch, seq == 0 ? 0 : seq - 1,
                WireMessageEncoder.NULL_U32);
            EncodedOffer.offer(qosPublication, encoder, length);
            work++;
        }
        // the declaration names the epoch, so it waits for the regions (a driver lease may take a while)
        if (regions != null && nowNs - nextMetadataNs >= 0)
        {
            // a declaration nobody received (the publication not yet connected, back-pressure) is sent again soon
            // rather than a whole period later: a short-lived producer would otherwise never be found by name
            nextMetadataNs = nowNs + (metadata.publish(nowNs, epoch, metaVersion) ?
                ctx.metadataPeriodNs() : Math.min(ctx.metadataPeriodNs(), METADATA_RETRY_NS));
            work++;
        }
        if (nowNs - nextSessionCheckNs >= 0)
        {
            nextSessionCheckNs = nowNs + ctx.consumerHelloIntervalNs();
            final int closedCount = consumers.closeStale(nowNs, epoch);
            if (closedCount > 0)
            {
                progress.recomputePolicy();
            }
            work += closedCount;
        }
        return work;
    }

    @Override
    public String roleName()
    {
        return "tensorpool-producer-" + Integer.toUnsignedString(streamId);
    }

    @Override
    public void onClose()
    {
        close();
    }

    /** Close per-consumer publications, subscriptions, the regions (standalone: removes them) and owned Aeron. */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        writer = null;
        consumers.closeAll();
        CloseHelper.closeAll(() -> CloseHelper.closeAll(pollers), publications, regionSource, ctx::closeOwned);
        LOG.info("stream={} epoch={} producer closed: published={} dropped={} seq={}",
            Integer.toUnsignedString(streamId), epoch, framesPublished, framesDropped, seq);
    }

    // ---------------------------------------------------------------- internals

    private void switchRegions(final StreamRegions newRegions, final StreamLayout newLayout)
    {
        if (claimOpen)
        {
            claimOpen = false;
        }
        regions = newRegions;
        layout = newLayout;
        writer = newRegions == null ? null : new SlotWriter(newRegions);
        // pending descriptors name the old epoch; consumers would drop them
        descriptors.discardPending();
        if (newRegions != null)
        {
            epoch = newRegions.epoch();
            seq = 0;
            progress.reset();
            nextAnnounceNs = clock.nanoTime();
            // a new epoch is a new declaration (discovery clears tags until it sees it): send it with the announce
            nextMetadataNs = nextAnnounceNs;
            LOG.info("stream={} epoch={} producer ready: nslots={} pools={}", Integer.toUnsignedString(streamId),
                epoch, newRegions.headerRing().nslots(), newLayout == null ? "?" : newLayout.pools());
        }
    }

    private int announce(final long nowNs)
    {
        if (layout == null || !regionSource.producerAnnounces())
        {
            return 0;
        }
        final int length = encoder.shmPoolAnnounce(layout, producerId, nowNs);
        EncodedOffer.offer(controlPublication, encoder, length);
        return 1;
    }

    private void warnDrop(final int length)
    {
        if (shouldWarn())
        {
            LOG.warn("stream={} epoch={} seq={} frame of {} bytes dropped: no payload pool fits (largest stride {}), " +
                "drops so far {}", Integer.toUnsignedString(streamId), epoch, seq, length,
                regions == null ? 0 : regions.maxStride(), framesDropped);
        }
    }

    private boolean shouldWarn()
    {
        final long nowNs = System.nanoTime();
        if (lastDropWarnNs == Long.MIN_VALUE || nowNs - lastDropWarnNs >= WARN_INTERVAL_NS)
        {
            lastDropWarnNs = nowNs;
            return true;
        }
        return false;
    }

    private final class Listener implements WireMessageListener
    {
        @Override
        public void onConsumerHello(final ConsumerHelloDecoder decoder, final int source)
        {
            if (consumers.onConsumerHello(decoder, epoch))
            {
                // the progress policy is aggregated over the sessions, so it follows every change to them
                progress.recomputePolicy();
            }
        }

        @Override
        public void onQosConsumer(final QosConsumerDecoder decoder, final int source)
        {
            consumers.onQosConsumer(decoder);
        }
    }

    // ---------------------------------------------------------------- counters and state

    public int streamId()
    {
        return streamId;
    }

    public int producerId()
    {
        return producerId;
    }

    /** The current epoch (0 before regions are acquired). */
    public long epoch()
    {
        return epoch;
    }

    /** The sequence number the next claim will get ({@code QosProducer.current_seq} is this minus one). */
    public long currentSeq()
    {
        return seq;
    }

    /** The current {@code meta_version}. */
    public long metaVersion()
    {
        return metaVersion;
    }

    /** The layout being announced, or null while not ready. */
    public StreamLayout layout()
    {
        return layout;
    }

    /** True once regions are acquired and frames can be claimed. */
    public boolean isReady()
    {
        return writer != null && !closed;
    }

    public boolean isClosed()
    {
        return closed;
    }

    public long framesPublished()
    {
        return framesPublished;
    }

    /** Frames dropped because no pool was large enough (Wire §9). */
    public long framesDropped()
    {
        return framesDropped;
    }

    /** Frames not published because their tensor description broke a layout rule. */
    public long framesInvalid()
    {
        return framesInvalid;
    }

    public long bytesPublished()
    {
        return bytesPublished;
    }

    /** Descriptor offers refused with back-pressure (shared: queued and retried; per-consumer: skipped). */
    public long descriptorBackPressure()
    {
        return descriptors.backPressure();
    }

    /** Shared-stream descriptors lost for good: the retry queue overflowed or the subscribers went away. */
    public long descriptorsDropped()
    {
        return descriptors.dropped();
    }

    /** Shared-stream descriptors waiting to be retried after back-pressure. */
    public int descriptorsPending()
    {
        return descriptors.pending();
    }

    /** Descriptor offers with no subscriber connected. */
    public long descriptorNotConnected()
    {
        return descriptors.notConnected();
    }

    /** Per-consumer descriptors skipped by a RATE_LIMITED consumer's {@code max_rate_hz} cap. */
    public long descriptorsRateCapped()
    {
        return descriptors.rateCapped();
    }

    public long progressPublished()
    {
        return progress.published();
    }

    public long progressThrottled()
    {
        return progress.throttled();
    }

    /** Consumers currently known from {@code ConsumerHello}. */
    public int consumerCount()
    {
        return consumers.count();
    }

    /** Consumers forgotten (and their per-consumer streams closed) after going stale. */
    public long consumersClosedStale()
    {
        return consumers.closedStale();
    }

    /** Consumers that announced {@code supports_progress}. */
    public int progressConsumerCount()
    {
        return progress.consumerCount();
    }

    /** The aggregated {@code PROGRESS} interval in force (Wire §10.2.2). */
    public long progressIntervalNs()
    {
        return progress.intervalNs();
    }

    /** The aggregated {@code PROGRESS} byte delta in force (Wire §10.2.2). */
    public long progressBytesDelta()
    {
        return progress.bytesDelta();
    }

    /** The control-plane pollers, for their malformed/foreign fragment counters. */
    public List<WirePoller> pollers()
    {
        return pollers;
    }

    /**
     * Configuration of a {@link TensorPoolProducer}, Aeron style: fluent accessors, defaults, validated once by
     * {@link #conclude()}. Only {@link #streamId(int)} is required.
     */
    public static final class Context extends ClientContext<Context>
    {
        /** Default base directory for region files. */
        public static final Path DEFAULT_SHM_BASE_DIR = Paths.get("/dev/shm/tensorpool");
        /** Default namespace directory (Wire §15.21a.3). */
        public static final String DEFAULT_NAMESPACE = "tensorpool";
        /** Default header ring slots. */
        public static final int DEFAULT_HEADER_NSLOTS = 256;
        /** Default pool strides: 64 KiB and 1 MiB (files are sparse unless prefaulted). */
        public static final int[] DEFAULT_POOL_STRIDES = {64 * 1024, 1024 * 1024};
        /** Default FrameProgress interval floor: 250 µs (Wire §10.2.2). */
        public static final long DEFAULT_PROGRESS_INTERVAL_FLOOR_NS = 250_000L;
        /** Default FrameProgress byte-delta floor: 64 KiB (Wire §10.2.2). */
        public static final long DEFAULT_PROGRESS_BYTES_FLOOR = 64 * 1024;
        /** How long {@link TensorPoolProducer#publishMetaBlob} retries back-pressure: 1 s. */
        public static final long DEFAULT_META_BLOB_SEND_TIMEOUT_NS = 1_000_000_000L;
        /** Consumers silent for this many hello intervals are stale (Wire §5: 3–5x). */
        public static final int DEFAULT_CONSUMER_STALE_MULTIPLIER = 4;

        private int producerId;
        private Path shmBaseDir = DEFAULT_SHM_BASE_DIR;
        private String namespace = DEFAULT_NAMESPACE;
        private String producerInstanceId;
        private int headerNslots = DEFAULT_HEADER_NSLOTS;
        private int[] poolStrides = DEFAULT_POOL_STRIDES.clone();
        private int[] poolIds;
        private boolean groupAccess;
        private boolean prefault;
        private boolean requireHugepages;
        private boolean deleteStaleEpochs = true;
        private long announcePeriodNs = DEFAULT_PERIOD_NS;
        private long metaBlobSendTimeoutNs = DEFAULT_META_BLOB_SEND_TIMEOUT_NS;
        private long metadataPeriodNs = DEFAULT_PERIOD_NS;
        private long consumerHelloIntervalNs = DEFAULT_PERIOD_NS;
        private int consumerStaleMultiplier = DEFAULT_CONSUMER_STALE_MULTIPLIER;
        private String dataSourceName = "";
        private String dataSourceSummary = "";
        private List<String> tags = new ArrayList<>();
        private long dataSourceId = -1;
        private List<MetadataAttribute> metadataAttributes = new ArrayList<>();
        private long progressIntervalFloorNs = DEFAULT_PROGRESS_INTERVAL_FLOOR_NS;
        private long progressBytesFloor = DEFAULT_PROGRESS_BYTES_FLOOR;
        private int perConsumerDescriptorStreamIdLow;
        private int perConsumerDescriptorStreamIdHigh;
        private int perConsumerControlStreamIdLow;
        private int perConsumerControlStreamIdHigh;
        private ProducerRegionSource regionSource;

        @Override
        protected void concludeSettings()
        {
            if (producerId == 0)
            {
                producerId = ThreadLocalRandom.current().nextInt(1, Integer.MAX_VALUE);
            }
            if (producerInstanceId == null)
            {
                producerInstanceId = "stream-" + Integer.toUnsignedString(streamId());
            }
            if (!shmBaseDir.isAbsolute())
            {
                throw new IllegalArgumentException("shmBaseDir must be absolute: " + shmBaseDir);
            }
            if (headerNslots <= 0 || Integer.bitCount(headerNslots) != 1)
            {
                throw new IllegalArgumentException("headerNslots must be a power of two: " + headerNslots);
            }
            if (poolStrides.length == 0)
            {
                throw new IllegalArgumentException("at least one pool stride is required");
            }
            if (poolIds == null)
            {
                poolIds = new int[poolStrides.length];
                for (int i = 0; i < poolIds.length; i++)
                {
                    poolIds[i] = i + 1;
                }
            }
            if (poolIds.length != poolStrides.length)
            {
                throw new IllegalArgumentException("poolIds (" + poolIds.length + ") and poolStrides (" +
                    poolStrides.length + ") must have the same length");
            }
            checkPositive("announcePeriodNs", announcePeriodNs);
            checkPositive("metaBlobSendTimeoutNs", metaBlobSendTimeoutNs);
            checkPositive("qosPeriodNs", qosPeriodNs());
            checkPositive("metadataPeriodNs", metadataPeriodNs);
            checkPositive("consumerHelloIntervalNs", consumerHelloIntervalNs);
            if (consumerStaleMultiplier < 3 || consumerStaleMultiplier > 5)
            {
                throw new IllegalArgumentException("consumerStaleMultiplier must be 3..5 (Wire §5): " +
                    consumerStaleMultiplier);
            }
            checkPositive("progressIntervalFloorNs", progressIntervalFloorNs);
            checkPositive("progressBytesFloor", progressBytesFloor);
            checkRange("perConsumerDescriptorStreamId", perConsumerDescriptorStreamIdLow,
                perConsumerDescriptorStreamIdHigh);
            checkRange("perConsumerControlStreamId", perConsumerControlStreamIdLow, perConsumerControlStreamIdHigh);
            MetadataAttribute.checkAscii("dataSourceName", dataSourceName);
            MetadataAttribute.checkAscii("dataSourceSummary", dataSourceSummary);
            for (final String tag : tags)
            {
                MetadataAttribute.checkAscii("tag", tag);
            }
            if (regionSource == null)
            {
                regionSource = useDriver() ? new DriverRegionSource() : new StandaloneRegionSource();
            }
        }

        static void checkRange(final String name, final int low, final int high)
        {
            if ((low == 0) != (high == 0) || Integer.compareUnsigned(low, high) > 0)
            {
                throw new IllegalArgumentException(name + " range must be empty (0, 0) or low <= high, both " +
                    "non-zero: [" + low + ", " + high + "]");
            }
        }

        /** Launch an {@link EmbeddedMediaDriver} owned by this producer (demos, tests). Default false. */
        public Context embeddedMediaDriver(final boolean embedded)
        {
            launchEmbeddedMediaDriver(embedded);
            return this;
        }

        public boolean embeddedMediaDriver()
        {
            return launchesEmbeddedMediaDriver();
        }

        /** Producer id in announces and QoS; default random non-zero. */
        public Context producerId(final int producerId)
        {
            this.producerId = producerId;
            return this;
        }

        public int producerId()
        {
            return producerId;
        }

        /** Absolute base directory for region files; default {@code /dev/shm/tensorpool}. */
        public Context shmBaseDir(final Path dir)
        {
            this.shmBaseDir = dir;
            return this;
        }

        public Path shmBaseDir()
        {
            return shmBaseDir;
        }

        public Context namespace(final String namespace)
        {
            this.namespace = namespace;
            return this;
        }

        public String namespace()
        {
            return namespace;
        }

        /** Directory name of this producer instance; default {@code stream-<streamId>} so restarts bump the epoch. */
        public Context producerInstanceId(final String id)
        {
            this.producerInstanceId = id;
            return this;
        }

        public String producerInstanceId()
        {
            return producerInstanceId;
        }

        /** Header ring slots, a power of two; default 256. Every pool has the same count (Wire §15.5). */
        public Context headerNslots(final int nslots)
        {
            this.headerNslots = nslots;
            return this;
        }

        public int headerNslots()
        {
            return headerNslots;
        }

        /** Pool strides: powers of two, multiples of 4096 (Wire §15.22); default 64 KiB and 1 MiB. */
        public Context poolStrides(final int... strides)
        {
            this.poolStrides = strides.clone();
            return this;
        }

        public int[] poolStrides()
        {
            return poolStrides.clone();
        }

        /** Pool ids parallel to the strides; default 1..n. */
        public Context poolIds(final int... ids)
        {
            this.poolIds = ids.clone();
            return this;
        }

        public int[] poolIds()
        {
            return poolIds == null ? null : poolIds.clone();
        }

        /** Files 0660 and directories 0770 instead of 0600/0700. */
        public Context groupAccess(final boolean groupAccess)
        {
            this.groupAccess = groupAccess;
            return this;
        }

        public boolean groupAccess()
        {
            return groupAccess;
        }

        /** Touch every page of the regions on creation. Default false (sparse files). */
        public Context prefault(final boolean prefault)
        {
            this.prefault = prefault;
            return this;
        }

        public boolean prefault()
        {
            return prefault;
        }

        /**
         * Require hugepage-backed regions (Wire §15.22). Standalone: the regions must be created on a hugetlbfs mount
         * (so {@link #shmBaseDir} must be on one, and pool strides multiples of its page size), else the producer
         * fails to start naming the mount it found; they are announced with {@code require_hugepages=true}, so
         * consumers verify it too. With a driver: the attach asks for {@code HUGEPAGES} and a driver that cannot
         * provide them rejects it. Default false (standalone: whatever the base directory is; driver: its default).
         */
        public Context requireHugepages(final boolean requireHugepages)
        {
            this.requireHugepages = requireHugepages;
            return this;
        }

        public boolean requireHugepages()
        {
            return requireHugepages;
        }

        /** Remove older epoch directories of this instance on start (Wire §15.21a.7). Default true. */
        public Context deleteStaleEpochs(final boolean delete)
        {
            this.deleteStaleEpochs = delete;
            return this;
        }

        public boolean deleteStaleEpochs()
        {
            return deleteStaleEpochs;
        }

        /** ShmPoolAnnounce and activity refresh period; default 1 s. */
        public Context announcePeriodNs(final long ns)
        {
            this.announcePeriodNs = ns;
            return this;
        }

        public long announcePeriodNs()
        {
            return announcePeriodNs;
        }

        /** How long {@link TensorPoolProducer#publishMetaBlob} retries a back-pressured publication; default 1 s. */
        public Context metaBlobSendTimeoutNs(final long ns)
        {
            this.metaBlobSendTimeoutNs = ns;
            return this;
        }

        public long metaBlobSendTimeoutNs()
        {
            return metaBlobSendTimeoutNs;
        }

        /** DataSourceAnnounce/DataSourceMeta period; default 1 s. */
        public Context metadataPeriodNs(final long ns)
        {
            this.metadataPeriodNs = ns;
            return this;
        }

        public long metadataPeriodNs()
        {
            return metadataPeriodNs;
        }

        /** The consumers' hello/QoS interval the staleness rule is based on (Wire §5); default 1 s. */
        public Context consumerHelloIntervalNs(final long ns)
        {
            this.consumerHelloIntervalNs = ns;
            return this;
        }

        public long consumerHelloIntervalNs()
        {
            return consumerHelloIntervalNs;
        }

        /** Stale after this many silent hello intervals, 3..5; default 4. */
        public Context consumerStaleMultiplier(final int multiplier)
        {
            this.consumerStaleMultiplier = multiplier;
            return this;
        }

        public int consumerStaleMultiplier()
        {
            return consumerStaleMultiplier;
        }

        /** The data source name, sent as {@code DataSourceAnnounce.name}. */
        public Context dataSourceName(final String name)
        {
            this.dataSourceName = name;
            return this;
        }

        public String dataSourceName()
        {
            return dataSourceName;
        }

        /** Optional dtype/shape summary for {@code DataSourceAnnounce.summary}. */
        public Context dataSourceSummary(final String summary)
        {
            this.dataSourceSummary = summary;
            return this;
        }

        public String dataSourceSummary()
        {
            return dataSourceSummary;
        }

        /** Tags, each sent as a {@code tag} attribute (docs/DESIGN.md). */
        public Context tags(final List<String> tags)
        {
            this.tags = new ArrayList<>(tags);
            return this;
        }

        public List<String> tags()
        {
            return tags;
        }

        /** Data source id, sent as the {@code data_source_id} attribute; -1 (default) for none. */
        public Context dataSourceId(final long id)
        {
            this.dataSourceId = id;
            return this;
        }

        public long dataSourceId()
        {
            return dataSourceId;
        }

        /** Initial user attributes of {@code DataSourceMeta}. */
        public Context metadataAttributes(final List<MetadataAttribute> attributes)
        {
            this.metadataAttributes = new ArrayList<>(attributes);
            return this;
        }

        public List<MetadataAttribute> metadataAttributes()
        {
            return metadataAttributes;
        }

        /** Smallest FrameProgress interval the producer accepts; default 250 µs. */
        public Context progressIntervalFloorNs(final long ns)
        {
            this.progressIntervalFloorNs = ns;
            return this;
        }

        public long progressIntervalFloorNs()
        {
            return progressIntervalFloorNs;
        }

        /** Smallest FrameProgress byte delta the producer accepts; default 64 KiB. */
        public Context progressBytesFloor(final long bytes)
        {
            this.progressBytesFloor = bytes;
            return this;
        }

        public long progressBytesFloor()
        {
            return progressBytesFloor;
        }

        /** Stream ids assignable to per-consumer descriptor streams; default none (requests are declined). */
        public Context perConsumerDescriptorStreamIds(final int low, final int high)
        {
            this.perConsumerDescriptorStreamIdLow = low;
            this.perConsumerDescriptorStreamIdHigh = high;
            return this;
        }

        public int perConsumerDescriptorStreamIdLow()
        {
            return perConsumerDescriptorStreamIdLow;
        }

        public int perConsumerDescriptorStreamIdHigh()
        {
            return perConsumerDescriptorStreamIdHigh;
        }

        /** Stream ids assignable to per-consumer control streams; default none (requests are declined). */
        public Context perConsumerControlStreamIds(final int low, final int high)
        {
            this.perConsumerControlStreamIdLow = low;
            this.perConsumerControlStreamIdHigh = high;
            return this;
        }

        public int perConsumerControlStreamIdLow()
        {
            return perConsumerControlStreamIdLow;
        }

        public int perConsumerControlStreamIdHigh()
        {
            return perConsumerControlStreamIdHigh;
        }

        /** Where regions come from; default {@link StandaloneRegionSource}. See {@link ProducerRegionSource}. */
        public Context regionSource(final ProducerRegionSource source)
        {
            this.regionSource = source;
            return this;
        }

        public ProducerRegionSource regionSource()
        {
            return regionSource;
        }
    }
}
