package io.tensorpool.client;

import io.aeron.Aeron;
import io.aeron.Subscription;
import io.tensorpool.codecs.wire.ConsumerConfigDecoder;
import io.tensorpool.codecs.wire.Mode;
import io.tensorpool.control.WireMessageListener;
import io.tensorpool.control.WirePoller;
import org.agrona.CloseHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;

/**
 * What the producer told this consumer in {@code ConsumerConfig} (Wire §10.1.3): the mode in force, the per-consumer
 * descriptor and control streams assigned (Wire §5), whether SHM may be used at all and, if not, the
 * {@code payload_fallback_uri} and the {@link FallbackListener} notifications.
 * <p>
 * Separate from {@link TensorPoolConsumer} because it is control-plane bookkeeping that rarely runs: it opens,
 * switches and closes the per-consumer pollers in the consumer's poller list (between polls, never inside a poller's
 * callback) and tells the consumer when to enter or leave FALLBACK; the mapping state itself stays with the consumer.
 * The frame path only reads {@link #descriptorActive()} and {@link #mode()}. Not thread-safe; driven by the consumer's
 * thread.
 */
final class ConsumerAssignment
{
    /** {@link #onConsumerConfig}: nothing for the consumer to do. */
    static final int NO_TRANSITION = 0;
    /** {@link #onConsumerConfig}: SHM is no longer allowed; unmap, enter FALLBACK, then {@link #fallbackEntered()}. */
    static final int ENTER_FALLBACK = 1;
    /** {@link #onConsumerConfig}: SHM is allowed again; leave FALLBACK, then {@link #shmAllowed()}. */
    static final int LEAVE_FALLBACK = 2;

    // the consumer's logger: one logger to configure for everything a consumer reports
    private static final Logger LOG = LoggerFactory.getLogger(TensorPoolConsumer.class);

    private final TensorPoolConsumer.Context ctx;
    private final Aeron aeron;
    private final int streamId;
    private final int consumerId;
    // the consumer's poller list: per-consumer pollers are added and removed here, polled by the consumer
    private final ArrayList<WirePoller> pollers;
    private final WireMessageListener wireListener;

    private WirePoller descriptorPoller;
    private WirePoller controlPoller;
    private boolean descriptorActive;
    private boolean controlActive;
    private boolean descriptorRequestDeclined;
    private Mode assignedMode;

    // the last assignment, applied by doWork
    private String pendingDescriptorChannel = "";
    private int pendingDescriptorStreamId;
    private String pendingControlChannel = "";
    private int pendingControlStreamId;
    private boolean assignmentPending;

    private String fallbackUri = "";
    private PayloadFallback fallbackKind = PayloadFallback.NONE;
    private long fallbackUnsupported;

    ConsumerAssignment(
        final TensorPoolConsumer.Context ctx,
        final Aeron aeron,
        final int streamId,
        final int consumerId,
        final ArrayList<WirePoller> pollers,
        final WireMessageListener listener)
    {
        this.ctx = ctx;
        this.aeron = aeron;
        this.streamId = streamId;
        this.consumerId = consumerId;
        this.pollers = pollers;
        this.wireListener = listener;
    }

    /**
     * Take a {@code ConsumerConfig}; those for other streams or consumers are ignored. Runs inside a poller's
     * callback, so subscriptions change only in the next {@link #doWork()}.
     *
     * @param inFallback whether the consumer is in FALLBACK now.
     * @return {@link #NO_TRANSITION}, {@link #ENTER_FALLBACK} or {@link #LEAVE_FALLBACK}.
     */
    int onConsumerConfig(final ConsumerConfigDecoder config, final boolean inFallback)
    {
        if ((int)config.streamId() != streamId || (int)config.consumerId() != consumerId)
        {
            return NO_TRANSITION;
        }
        final boolean useShm = config.useShmRaw() == 1;
        final Mode mode = config.mode();
        final int descriptorId = (int)config.descriptorStreamId();
        final int controlId = (int)config.controlStreamId();
        // variable-length fields, read in schema order
        final String fallback = config.payloadFallbackUri();
        final String descriptorChannel = config.descriptorChannel();
        final String controlChannel = config.controlChannel();
        assignedMode = mode == Mode.NULL_VAL ? null : mode;

        if (!useShm)
        {
            if (inFallback)
            {
                return NO_TRANSITION;
            }
            final PayloadFallback kind = PayloadFallback.of(fallback);
            if (kind == PayloadFallback.UNSUPPORTED)
            {
                fallbackUnsupported++;
            }
            LOG.warn("stream={} consumer={} told not to use SHM: fallback uri '{}' ({}): no frames from shared " +
                "memory until SHM is allowed again", Integer.toUnsignedString(streamId),
                Integer.toUnsignedString(consumerId), fallback, kind);
            fallbackUri = fallback;
            fallbackKind = kind;
            return ENTER_FALLBACK;
        }
        if (inFallback)
        {
            fallbackUri = "";
            fallbackKind = PayloadFallback.NONE;
        }

        pendingDescriptorChannel = descriptorChannel;
        pendingDescriptorStreamId = descriptorId;
        pendingControlChannel = controlChannel;
        pendingControlStreamId = controlId;
        assignmentPending = true;
        return inFallback ? LEAVE_FALLBACK : NO_TRANSITION;
    }

    /** The consumer has entered FALLBACK: tell the application. */
    void fallbackEntered()
    {
        final FallbackListener listener = ctx.fallbackListener();
        if (listener != null)
        {
            listener.onFallback(streamId, fallbackUri, fallbackKind);
        }
    }

    /** The consumer has left FALLBACK: tell the application. */
    void shmAllowed()
    {
        final FallbackListener listener = ctx.fallbackListener();
        if (listener != null)
        {
            listener.onShmAllowed(streamId);
        }
    }

    /**
     * Apply a pending assignment and notice per-consumer streams that have connected. Call between polls.
     *
     * @return 1 if an assignment was applied, else 0.
     */
    int doWork()
    {
        int work = 0;
        if (assignmentPending)
        {
            applyAssignment();
            work++;
        }
        if (descriptorPoller != null && !descriptorActive && descriptorPoller.subscription().isConnected())
        {
            descriptorActive = true;
            LOG.info("stream={} consumer={} switched to per-consumer descriptor stream {}",
                Integer.toUnsignedString(streamId), Integer.toUnsignedString(consumerId), descriptorPoller.name());
        }
        if (controlPoller != null && !controlActive && controlPoller.subscription().isConnected())
        {
            controlActive = true;
        }
        return work;
    }

    /** Apply the last {@code ConsumerConfig} assignment: per-consumer subscriptions added, kept or closed. */
    private void applyAssignment()
    {
        assignmentPending = false;
        final String descriptorChannel = pendingDescriptorChannel;
        final int descriptorId = pendingDescriptorStreamId;
        final String controlChannel = pendingControlChannel;
        final int controlId = pendingControlStreamId;
        if (!descriptorChannel.isEmpty() && descriptorId != 0)
        {
            if (descriptorPoller == null ||
                !descriptorPoller.name().endsWith(" " + descriptorChannel + "/" + descriptorId))
            {
                closeDescriptor();
                final Subscription subscription = aeron.addSubscription(descriptorChannel, descriptorId);
                descriptorPoller = new WirePoller(subscription, wireListener,
                    TensorPoolConsumer.SOURCE_CONSUMER_DESCRIPTOR,
                    "consumer-descriptor " + descriptorChannel + "/" + descriptorId, true);
                pollers.add(0, descriptorPoller);
            }
            descriptorRequestDeclined = false;
        }
        else
        {
            if (descriptorPoller != null)
            {
                closeDescriptor();
            }
            descriptorRequestDeclined = !ctx.requestedDescriptorChannel().isEmpty();
        }

        if (!controlChannel.isEmpty() && controlId != 0)
        {
            if (controlPoller == null || !controlPoller.name().endsWith(" " + controlChannel + "/" + controlId))
            {
                closeControl();
                final Subscription subscription = aeron.addSubscription(controlChannel, controlId);
                controlPoller = new WirePoller(subscription, wireListener, TensorPoolConsumer.SOURCE_CONSUMER_CONTROL,
                    "consumer-control " + controlChannel + "/" + controlId, true);
                pollers.add(controlPoller);
            }
        }
        else if (controlPoller != null)
        {
            closeControl();
        }
    }

    private void closeDescriptor()
    {
        if (descriptorPoller != null)
        {
            pollers.remove(descriptorPoller);
            CloseHelper.quietClose(descriptorPoller);
            descriptorPoller = null;
            descriptorActive = false;
        }
    }

    private void closeControl()
    {
        if (controlPoller != null)
        {
            pollers.remove(controlPoller);
            CloseHelper.quietClose(controlPoller);
            controlPoller = null;
            controlActive = false;
        }
    }

    /** The mode in force: the one assigned by {@code ConsumerConfig}, else the one configured. */
    Mode mode()
    {
        if (assignedMode != null)
        {
            return assignedMode;
        }
        return ctx.mode() == TensorPoolConsumer.ConsumerMode.RATE_LIMITED ? Mode.RATE_LIMITED : Mode.STREAM;
    }

    /** True once a per-consumer descriptor stream is assigned and connected. */
    boolean descriptorActive()
    {
        return descriptorActive;
    }

    /** True once a per-consumer control stream is assigned and connected. */
    boolean controlActive()
    {
        return controlActive;
    }

    boolean descriptorRequestDeclined()
    {
        return descriptorRequestDeclined;
    }

    String fallbackUri()
    {
        return fallbackUri;
    }

    PayloadFallback fallbackKind()
    {
        return fallbackKind;
    }

    long fallbackUnsupported()
    {
        return fallbackUnsupported;
    }
}
