package io.tensorpool.client;

import io.aeron.ChannelUri;
import io.aeron.Publication;
import io.tensorpool.codecs.wire.ConsumerHelloDecoder;
import io.tensorpool.codecs.wire.Mode;
import io.tensorpool.codecs.wire.QosConsumerDecoder;
import io.tensorpool.codecs.wire.ResponseCode;
import io.tensorpool.control.WireMessageEncoder;
import io.tensorpool.shm.ShmLayout;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.concurrent.NanoClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;

/**
 * The producer's side of consumer sessions (Wire §5, §10.1.2–§10.1.3): one {@link ConsumerSession} per consumer
 * that sent a {@code ConsumerHello}, kept alive by hellos and {@code QosConsumer}, forgotten when stale. Assigns
 * per-consumer descriptor and control streams from the context's id ranges, sets RATE_LIMITED caps, and answers
 * with {@code ConsumerConfig} or {@code ControlResponse}.
 * <p>
 * Separate from {@link TensorPoolProducer} because session bookkeeping is control-plane only and rarely runs; the
 * per-frame parts ({@link DescriptorPublisher}, {@link ProgressThrottle}) just iterate {@link #list()}, which only
 * this class modifies. Not thread-safe; driven by the producer's thread.
 */
final class ConsumerSessions
{
    // the producer's logger: one logger to configure for everything a producer reports
    private static final Logger LOG = LoggerFactory.getLogger(TensorPoolProducer.class);

    private final TensorPoolProducer.Context ctx;
    private final NanoClock clock;
    private final int streamId;
    private final WireMessageEncoder encoder;
    private final Publication controlPublication;
    private final Int2ObjectHashMap<ConsumerSession> sessionsById = new Int2ObjectHashMap<>();
    private final ArrayList<ConsumerSession> sessions = new ArrayList<>();
    private long closedStale;

    /** Why the last {@link #openStream} refused its request; null when it did not. */
    private String openProblem;

    ConsumerSessions(
        final TensorPoolProducer.Context ctx,
        final NanoClock clock,
        final int streamId,
        final WireMessageEncoder encoder,
        final Publication controlPublication)
    {
        this.ctx = ctx;
        this.clock = clock;
        this.streamId = streamId;
        this.encoder = encoder;
        this.controlPublication = controlPublication;
    }

    /** The sessions in arrival order; read-only for everyone but this class (an ArrayList for indexed loops). */
    ArrayList<ConsumerSession> list()
    {
        return sessions;
    }

    /** Consumers currently known. */
    int count()
    {
        return sessions.size();
    }

    /** Consumers forgotten after going stale. */
    long closedStale()
    {
        return closedStale;
    }

    /** Close every session's per-consumer publications and forget them all (producer close). */
    void closeAll()
    {
        for (final ConsumerSession session : sessions)
        {
            session.close();
        }
        sessions.clear();
        sessionsById.clear();
    }

    /**
     * Forget consumers silent for more than {@code consumerStaleMultiplier} hello intervals (Wire §5) and close their
     * per-consumer streams.
     *
     * @return how many were closed; the caller recomputes the progress policy when this is not 0.
     */
    int closeStale(final long nowNs, final long epoch)
    {
        int closedCount = 0;
        final long staleNs = ctx.consumerHelloIntervalNs() * ctx.consumerStaleMultiplier();
        for (int i = sessions.size() - 1; i >= 0; i--)
        {
            final ConsumerSession session = sessions.get(i);
            if (nowNs - session.lastSeenNs > staleNs)
            {
                LOG.info("stream={} epoch={} consumer={} stale for {} ms: closing its per-consumer streams",
                    Integer.toUnsignedString(streamId), epoch, Integer.toUnsignedString(session.consumerId),
                    (nowNs - session.lastSeenNs) / 1_000_000);
                session.close();
                sessions.remove(i);
                sessionsById.remove(session.consumerId);
                closedStale++;
                closedCount++;
            }
        }
        return closedCount;
    }

    /**
     * Create or refresh the consumer's session from its {@code ConsumerHello} (Wire §10.1.2): capabilities, progress
     * hints, per-consumer streams assigned from the configured ranges, the rate cap; answer with
     * {@code ConsumerConfig} when something was requested, or {@code ControlResponse} when a request is refused.
     *
     * @return true when a session of this stream changed (the caller recomputes the progress policy), false for a
     * hello of another stream.
     */
    boolean onConsumerHello(final ConsumerHelloDecoder hello, final long epoch)
    {
        if ((int)hello.streamId() != streamId)
        {
            return false;
        }
        final long nowNs = clock.nanoTime();
        final int consumerId = (int)hello.consumerId();
        final boolean supportsProgress = hello.supportsProgressRaw() == 1;
        final Mode mode = hello.mode();
        final long maxRateHz = hello.maxRateHz();
        final long layoutVersion = hello.expectedLayoutVersion();
        final long intervalUs = hello.progressIntervalUs();
        final long bytesDelta = hello.progressBytesDelta();
        final int descriptorId = (int)hello.descriptorStreamId();
        final int controlId = (int)hello.controlStreamId();
        final String descriptorChannel = hello.descriptorChannel();
        final String controlChannel = hello.controlChannel();

        ConsumerSession session = sessionsById.get(consumerId);
        if (session == null)
        {
            session = new ConsumerSession(consumerId, nowNs);
            sessionsById.put(consumerId, session);
            sessions.add(session);
            LOG.info("stream={} epoch={} consumer={} hello: mode={} maxRateHz={} progress={} descriptor='{}'/{} " +
                "control='{}'/{}", Integer.toUnsignedString(streamId), epoch, Integer.toUnsignedString(consumerId),
                mode, maxRateHz, supportsProgress, descriptorChannel, descriptorId, controlChannel, controlId);
        }
        session.lastSeenNs = nowNs;
        session.supportsProgress = supportsProgress;
        session.mode = mode == Mode.NULL_VAL ? Mode.STREAM : mode;
        session.maxRateHz = maxRateHz;
        session.progressIntervalUs = intervalUs == WireMessageEncoder.NULL_U32 ? -1 : intervalUs;
        session.progressBytesDelta = bytesDelta == WireMessageEncoder.NULL_U32 ? -1 : bytesDelta;

        if (layoutVersion != 0 && layoutVersion != ShmLayout.LAYOUT_VERSION)
        {
            sendControlResponse(epoch, consumerId, ResponseCode.UNSUPPORTED, "expected_layout_version " +
                layoutVersion + " is not supported; this producer uses " + ShmLayout.LAYOUT_VERSION);
        }

        final String descriptorProblem = assignDescriptor(epoch, session, descriptorChannel, descriptorId);
        final String controlProblem = assignControl(epoch, session, controlChannel, controlId);
        if (descriptorProblem != null || controlProblem != null)
        {
            final String problem = descriptorProblem != null ? descriptorProblem : controlProblem;
            final boolean invalid = problem.startsWith("invalid");
            sendControlResponse(
                epoch, consumerId, invalid ? ResponseCode.INVALID_PARAMS : ResponseCode.REJECTED, problem);
        }
        // a rate cap applies only on a per-consumer descriptor stream (Wire §5)
        session.minDescriptorIntervalNs = session.mode == Mode.RATE_LIMITED && session.maxRateHz > 0 &&
            session.hasDescriptorStream() ? 1_000_000_000L / session.maxRateHz : 0;

        final boolean requested = !descriptorChannel.isEmpty() || descriptorId != 0 || !controlChannel.isEmpty() ||
            controlId != 0 || session.mode == Mode.RATE_LIMITED;
        if (!requested)
        {
            // nothing to assign: stay silent rather than overrule a supervisor's ConsumerConfig (Wire §10.1.3)
            return true;
        }
        final int length = encoder.consumerConfig(streamId, consumerId, true, session.mode,
            session.descriptorStreamId, session.controlStreamId, "", session.descriptorChannel,
            session.controlChannel);
        EncodedOffer.offer(controlPublication, encoder, length);
        return true;
    }

    private String assignDescriptor(
        final long epoch, final ConsumerSession session, final String channel, final int requestedId)
    {
        if (session.hasDescriptorStream() && channel.equals(session.descriptorChannel) && !channel.isEmpty())
        {
            return null;
        }
        session.closeDescriptor();
        final Publication publication = openStream("descriptor", epoch, session, channel, requestedId,
            ctx.perConsumerDescriptorStreamIdLow(), ctx.perConsumerDescriptorStreamIdHigh());
        if (publication != null)
        {
            session.descriptorChannel = channel;
            session.descriptorStreamId = publication.streamId();
            session.descriptorPublication = publication;
        }
        return openProblem;
    }

    private String assignControl(
        final long epoch, final ConsumerSession session, final String channel, final int requestedId)
    {
        if (session.hasControlStream() && channel.equals(session.controlChannel) && !channel.isEmpty())
        {
            return null;
        }
        session.closeControl();
        final Publication publication = openStream("control", epoch, session, channel, requestedId,
            ctx.perConsumerControlStreamIdLow(), ctx.perConsumerControlStreamIdHigh());
        if (publication != null)
        {
            session.controlChannel = channel;
            session.controlStreamId = publication.streamId();
            session.controlPublication = publication;
        }
        return openProblem;
    }

    /**
     * Open a per-consumer {@code kind} stream for a request (Wire §5): nothing for an absent request (empty channel
     * and id 0), else validate it and take an id from {@code [low, high]}. Leaves the reason for a refusal in
     * {@link #openProblem} (null when there is none).
     *
     * @return the publication, or null when nothing was requested or the request was refused.
     */
    private Publication openStream(
        final String kind,
        final long epoch,
        final ConsumerSession session,
        final String channel,
        final int requestedId,
        final int low,
        final int high)
    {
        openProblem = null;
        if (channel.isEmpty() && requestedId == 0)
        {
            return null;
        }
        openProblem = checkRequest(kind, channel, requestedId);
        if (openProblem != null)
        {
            return null;
        }
        final int id = allocateStreamId(channel, requestedId, low, high);
        if (id == 0)
        {
            openProblem = "rejected per-consumer " + kind + " stream: no stream id free in the configured range [" +
                low + ", " + high + "]";
            return null;
        }
        LOG.info("stream={} epoch={} consumer={} assigned per-consumer {} stream {}/{}",
            Integer.toUnsignedString(streamId), epoch, Integer.toUnsignedString(session.consumerId), kind, channel, id);
        return ctx.aeron().addPublication(channel, id);
    }

    /** Wire §10.1.2: both channel and id, a parseable Aeron channel of media ipc or udp. */
    private static String checkRequest(final String what, final String channel, final int requestedId)
    {
        if (channel.isEmpty() || requestedId == 0)
        {
            return "invalid per-consumer " + what + " request: channel '" + channel + "' with stream id " +
                Integer.toUnsignedString(requestedId) + " (both are required)";
        }
        try
        {
            final String media = ChannelUri.parse(channel).media();
            if (!"ipc".equals(media) && !"udp".equals(media))
            {
                return "invalid per-consumer " + what + " channel '" + channel + "': media must be ipc or udp";
            }
        }
        catch (final RuntimeException ex)
        {
            return "invalid per-consumer " + what + " channel '" + channel + "': " + ex.getMessage();
        }
        return null;
    }

    /** The requested id if in range and free, else the first free id of the range, else 0. */
    private int allocateStreamId(final String channel, final int requestedId, final int low, final int high)
    {
        if (low == 0 && high == 0)
        {
            return 0;
        }
        if (requestedId >= low && requestedId <= high && isFree(channel, requestedId))
        {
            return requestedId;
        }
        for (int id = low; id <= high && id > 0; id++)
        {
            if (isFree(channel, id))
            {
                return id;
            }
        }
        return 0;
    }

    private boolean isFree(final String channel, final int id)
    {
        if ((channel.equals(ctx.controlChannel()) && id == ctx.controlStreamId()) ||
            (channel.equals(ctx.descriptorChannel()) && id == ctx.descriptorStreamId()) ||
            (channel.equals(ctx.qosChannel()) && id == ctx.qosStreamId()) ||
            (channel.equals(ctx.metadataChannel()) && id == ctx.metadataStreamId()))
        {
            return false;
        }
        for (final ConsumerSession session : sessions)
        {
            if ((session.descriptorStreamId == id && channel.equals(session.descriptorChannel)) ||
                (session.controlStreamId == id && channel.equals(session.controlChannel)))
            {
                return false;
            }
        }
        return true;
    }

    private void sendControlResponse(
        final long epoch, final int consumerId, final ResponseCode code, final String message)
    {
        LOG.warn("stream={} epoch={} consumer={} {}: {}", Integer.toUnsignedString(streamId), epoch,
            Integer.toUnsignedString(consumerId), code, message);
        final int length = encoder.controlResponse(consumerId & 0xFFFF_FFFFL, code, message);
        EncodedOffer.offer(controlPublication, encoder, length);
    }

    /** A {@code QosConsumer} keeps the consumer's session alive (Wire §10.4.1). */
    void onQosConsumer(final QosConsumerDecoder qos)
    {
        if ((int)qos.streamId() != streamId)
        {
            return;
        }
        final ConsumerSession session = sessionsById.get((int)qos.consumerId());
        if (session != null)
        {
            session.lastSeenNs = clock.nanoTime();
        }
    }
}
