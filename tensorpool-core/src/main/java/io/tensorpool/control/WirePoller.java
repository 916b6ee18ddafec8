package io.tensorpool.control;

import io.aeron.FragmentAssembler;
import io.aeron.Subscription;
import io.tensorpool.codecs.wire.ConsumerConfigDecoder;
import io.tensorpool.codecs.wire.ConsumerHelloDecoder;
import io.tensorpool.codecs.wire.ControlResponseDecoder;
import io.tensorpool.codecs.wire.DataSourceAnnounceDecoder;
import io.tensorpool.codecs.wire.DataSourceMetaDecoder;
import io.tensorpool.codecs.wire.FrameDescriptorDecoder;
import io.tensorpool.codecs.wire.FrameProgressDecoder;
import io.tensorpool.codecs.wire.MessageHeaderDecoder;
import io.tensorpool.codecs.wire.MetaBlobAnnounceDecoder;
import io.tensorpool.codecs.wire.MetaBlobChunkDecoder;
import io.tensorpool.codecs.wire.MetaBlobCompleteDecoder;
import io.tensorpool.codecs.wire.QosConsumerDecoder;
import io.tensorpool.codecs.wire.QosProducerDecoder;
import io.tensorpool.codecs.wire.ShmPoolAnnounceDecoder;
import org.agrona.DirectBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls one subscription carrying Wire v1.1 messages (schema 900), reassembles fragmented messages, gates every
 * message on schema, version, template and the exact v1 block length (SPEC_DECISIONS "Control plane"), checks every
 * group and var-length field against the fragment ({@link MessageShapes}), then dispatches to a
 * {@link WireMessageListener}. Foreign schemas (driver 901, discovery 910, anything else) are skipped and counted;
 * malformed messages are counted and skipped and never reach the listener. One poller per subscription, so the
 * counters are per stream. Not thread-safe; poll from one thread.
 */
public final class WirePoller extends SchemaGatedHandler implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(WirePoller.class);
    /** Rejections are logged at most once per this many nanoseconds per poller. */
    private static final long REJECT_LOG_INTERVAL_NS = 5_000_000_000L;

    private final Subscription subscription;
    private final FragmentAssembler assembler;
    private final WireMessageListener listener;
    private final int source;
    private final String name;
    private final boolean ownsSubscription;
    private long lastRejectLogNs = Long.MIN_VALUE;
    private long rejectsSinceLog;

    private final ShmPoolAnnounceDecoder shmPoolAnnounce = new ShmPoolAnnounceDecoder();
    private final ConsumerHelloDecoder consumerHello = new ConsumerHelloDecoder();
    private final ConsumerConfigDecoder consumerConfig = new ConsumerConfigDecoder();
    private final FrameDescriptorDecoder frameDescriptor = new FrameDescriptorDecoder();
    private final FrameProgressDecoder frameProgress = new FrameProgressDecoder();
    private final QosConsumerDecoder qosConsumer = new QosConsumerDecoder();
    private final QosProducerDecoder qosProducer = new QosProducerDecoder();
    private final DataSourceAnnounceDecoder dataSourceAnnounce = new DataSourceAnnounceDecoder();
    private final DataSourceMetaDecoder dataSourceMeta = new DataSourceMetaDecoder();
    private final ControlResponseDecoder controlResponse = new ControlResponseDecoder();
    private final MetaBlobAnnounceDecoder metaBlobAnnounce = new MetaBlobAnnounceDecoder();
    private final MetaBlobChunkDecoder metaBlobChunk = new MetaBlobChunkDecoder();
    private final MetaBlobCompleteDecoder metaBlobComplete = new MetaBlobCompleteDecoder();

    /**
     * @param subscription     the subscription to poll.
     * @param listener         receives validated messages.
     * @param source           tag passed to the listener with every message.
     * @param name             used in logs and counters, e.g. "descriptor aeron:ipc/1100".
     * @param ownsSubscription close the subscription on {@link #close()}.
     */
    public WirePoller(
        final Subscription subscription,
        final WireMessageListener listener,
        final int source,
        final String name,
        final boolean ownsSubscription)
    {
        super(MessageHeaderDecoder.SCHEMA_ID, MessageHeaderDecoder.SCHEMA_VERSION);
        this.subscription = subscription;
        this.listener = listener;
        this.source = source;
        this.name = name;
        this.ownsSubscription = ownsSubscription;
        this.assembler = new FragmentAssembler(this);
    }

    /** Poll up to {@code fragmentLimit} fragments; returns the number polled. */
    public int poll(final int fragmentLimit)
    {
        return subscription.poll(assembler, fragmentLimit);
    }

    public Subscription subscription()
    {
        return subscription;
    }

    public String name()
    {
        return name;
    }

    public int source()
    {
        return source;
    }

    @Override
    protected int onMessage(
        final int templateId, final int blockLength, final int version, final DirectBuffer buffer, final int length)
    {
        switch (templateId)
        {
            case FrameDescriptorDecoder.TEMPLATE_ID:
                if (blockLength != FrameDescriptorDecoder.BLOCK_LENGTH || length < HEADER_LENGTH + blockLength)
                {
                    return MALFORMED;
                }
                frameDescriptor.wrap(buffer, HEADER_LENGTH, blockLength, version);
                listener.onFrameDescriptor(frameDescriptor, source);
                return HANDLED;

            case FrameProgressDecoder.TEMPLATE_ID:
                if (blockLength != FrameProgressDecoder.BLOCK_LENGTH || length < HEADER_LENGTH + blockLength)
                {
                    return MALFORMED;
                }
                frameProgress.wrap(buffer, HEADER_LENGTH, blockLength, version);
                listener.onFrameProgress(frameProgress, source);
                return HANDLED;

            case ShmPoolAnnounceDecoder.TEMPLATE_ID:
                if (blockLength != ShmPoolAnnounceDecoder.BLOCK_LENGTH)
                {
                    return MALFORMED;
                }
                if (!MessageShapes.SHM_POOL_ANNOUNCE.fits(buffer, length))
                {
                    return MALFORMED;
                }
                shmPoolAnnounce.wrap(buffer, HEADER_LENGTH, blockLength, version);
                listener.onShmPoolAnnounce(shmPoolAnnounce, source);
                return HANDLED;

            case ConsumerHelloDecoder.TEMPLATE_ID:
                if (blockLength != ConsumerHelloDecoder.BLOCK_LENGTH)
                {
                    return MALFORMED;
                }
                if (!MessageShapes.CONSUMER_HELLO.fits(buffer, length))
                {
                    return MALFORMED;
                }
                consumerHello.wrap(buffer, HEADER_LENGTH, blockLength, version);
                listener.onConsumerHello(consumerHello, source);
                return HANDLED;

            case ConsumerConfigDecoder.TEMPLATE_ID:
                if (blockLength != ConsumerConfigDecoder.BLOCK_LENGTH)
                {
                    return MALFORMED;
                }
                if (!MessageShapes.CONSUMER_CONFIG.fits(buffer, length))
                {
                    return MALFORMED;
                }
                consumerConfig.wrap(buffer, HEADER_LENGTH, blockLength, version);
                listener.onConsumerConfig(consumerConfig, source);
                return HANDLED;

            case QosConsumerDecoder.TEMPLATE_ID:
                if (blockLength != QosConsumerDecoder.BLOCK_LENGTH || length < HEADER_LENGTH + blockLength)
                {
                    return MALFORMED;
                }
                qosConsumer.wrap(buffer, HEADER_LENGTH, blockLength, version);
                listener.onQosConsumer(qosConsumer, source);
                return HANDLED;

            case QosProducerDecoder.TEMPLATE_ID:
                if (blockLength != QosProducerDecoder.BLOCK_LENGTH || length < HEADER_LENGTH + blockLength)
                {
                    return MALFORMED;
                }
                qosProducer.wrap(buffer, HEADER_LENGTH, blockLength, version);
                listener.onQosProducer(qosProducer, source);
                return HANDLED;

            case DataSourceAnnounceDecoder.TEMPLATE_ID:
                if (blockLength != DataSourceAnnounceDecoder.BLOCK_LENGTH)
                {
                    return MALFORMED;
                }
                if (!MessageShapes.DATA_SOURCE_ANNOUNCE.fits(buffer, length))
                {
                    return MALFORMED;
                }
                dataSourceAnnounce.wrap(buffer, HEADER_LENGTH, blockLength, version);
                listener.onDataSourceAnnounce(dataSourceAnnounce, source);
                return HANDLED;

            case DataSourceMetaDecoder.TEMPLATE_ID:
                if (blockLength != DataSourceMetaDecoder.BLOCK_LENGTH)
                {
                    return MALFORMED;
                }
                if (!MessageShapes.DATA_SOURCE_META.fits(buffer, length))
                {
                    return MALFORMED;
                }
                dataSourceMeta.wrap(buffer, HEADER_LENGTH, blockLength, version);
                listener.onDataSourceMeta(dataSourceMeta, source);
                return HANDLED;

            case ControlResponseDecoder.TEMPLATE_ID:
                if (blockLength != ControlResponseDecoder.BLOCK_LENGTH)
                {
                    return MALFORMED;
                }
                if (!MessageShapes.CONTROL_RESPONSE.fits(buffer, length))
                {
                    return MALFORMED;
                }
                controlResponse.wrap(buffer, HEADER_LENGTH, blockLength, version);
                listener.onControlResponse(controlResponse, source);
                return HANDLED;

            case MetaBlobAnnounceDecoder.TEMPLATE_ID:
                if (blockLength != MetaBlobAnnounceDecoder.BLOCK_LENGTH || length < HEADER_LENGTH + blockLength)
                {
                    return MALFORMED;
                }
                metaBlobAnnounce.wrap(buffer, HEADER_LENGTH, blockLength, version);
                listener.onMetaBlobAnnounce(metaBlobAnnounce, source);
                return HANDLED;

            case MetaBlobChunkDecoder.TEMPLATE_ID:
                if (blockLength != MetaBlobChunkDecoder.BLOCK_LENGTH)
                {
                    return MALFORMED;
                }
                if (!MessageShapes.META_BLOB_CHUNK.fits(buffer, length))
                {
                    return MALFORMED;
                }
                metaBlobChunk.wrap(buffer, HEADER_LENGTH, blockLength, version);
                listener.onMetaBlobChunk(metaBlobChunk, source);
                return HANDLED;

            case MetaBlobCompleteDecoder.TEMPLATE_ID:
                if (blockLength != MetaBlobCompleteDecoder.BLOCK_LENGTH || length < HEADER_LENGTH + blockLength)
                {
                    return MALFORMED;
                }
                metaBlobComplete.wrap(buffer, HEADER_LENGTH, blockLength, version);
                listener.onMetaBlobComplete(metaBlobComplete, source);
                return HANDLED;

            default:
                // future templates: skipped, counted as unknown by the base class
                return UNKNOWN_TEMPLATE;
        }
    }

    @Override
    protected void onRejected(final String reason, final long value)
    {
        rejectsSinceLog++;
        final long now = System.nanoTime();
        if (lastRejectLogNs == Long.MIN_VALUE || now - lastRejectLogNs >= REJECT_LOG_INTERVAL_NS)
        {
            LOG.warn("stream={} rejected control-plane fragment: {} {} (rejections since last log: {})",
                name, reason, value, rejectsSinceLog);
            lastRejectLogNs = now;
            rejectsSinceLog = 0;
        }
    }

    @Override
    public void close()
    {
        if (ownsSubscription)
        {
            subscription.close();
        }
    }

    @Override
    public String toString()
    {
        return "WirePoller{" + name + " handled=" + handledCount() + " malformed=" + malformedCount() +
            " foreign=" + foreignSchemaCount() + " unknownTemplate=" + unknownTemplateCount() + "}";
    }
}
