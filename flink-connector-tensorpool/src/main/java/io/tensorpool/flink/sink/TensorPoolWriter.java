package io.tensorpool.flink.sink;

import io.tensorpool.flink.sink.internal.SinkFrameProducer;
import io.tensorpool.shm.FrameClaim;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.concurrent.ScheduledFuture;

/**
 * Writes records of one subtask into its stream: claim a slot from the smallest pool that fits, let the schema write
 * the payload in place and describe the tensor, commit (seqlock COMMITTED, then the descriptor). Never waits for
 * consumers. Runs entirely on the task's mailbox thread, including the periodic duty cycle, so the producer is
 * single-threaded as the Wire spec requires.
 */
final class TensorPoolWriter<T> implements SinkWriter<T>, ProcessingTimeService.ProcessingTimeCallback
{
    static final String FRAMES_DROPPED_NO_POOL_FITS = "numFramesDroppedNoPoolFits";
    static final String FRAMES_DROPPED_NOT_READY = "numFramesDroppedNotReady";
    static final String RECORDS_REJECTED = "numRecordsRejected";
    static final String CURRENT_SEQ = "currentSeq";
    static final String EPOCH = "epoch";
    static final String STREAM_ID = "streamId";

    private static final Logger LOG = LoggerFactory.getLogger(TensorPoolWriter.class);
    /** Run the producer duty cycle once every 64 records while busy (control polls cost more than a 4 KiB frame). */
    private static final long DUTY_CYCLE_RECORD_MASK = 63;

    private final SinkFrameProducer producer;
    private final TensorPoolSerializationSchema<T> schema;
    private final ProcessingTimeService timeService;
    private final long dutyCycleIntervalMs;
    private final FrameClaim claim = new FrameClaim();
    private final TensorSlot slot = new TensorSlot();

    private final Counter numRecordsSend;
    private final Counter numBytesSend;
    private final Counter numRecordsSendErrors;
    private final Counter droppedNoPoolFits;
    private final Counter droppedNotReady;
    private final Counter rejected;

    private volatile long currentSeq = -1;
    private volatile long epoch;
    private ScheduledFuture<?> dutyCycleTimer;
    private long writes;
    private boolean closed;
    private boolean warnedNoPoolFits;
    private boolean warnedNotReady;
    private boolean warnedInvalidLength;
    private boolean warnedInvalidLayout;

    TensorPoolWriter(
        final SinkFrameProducer producer,
        final TensorPoolSerializationSchema<T> schema,
        final SinkWriterMetricGroup metricGroup,
        final ProcessingTimeService timeService,
        final long dutyCycleIntervalMs)
    {
        this.producer = producer;
        this.schema = schema;
        this.timeService = timeService;
        this.dutyCycleIntervalMs = dutyCycleIntervalMs;
        this.epoch = producer.epoch();

        numRecordsSend = metricGroup.getNumRecordsSendCounter();
        numBytesSend = metricGroup.getNumBytesSendCounter();
        numRecordsSendErrors = metricGroup.getNumRecordsSendErrorsCounter();
        droppedNoPoolFits = metricGroup.counter(FRAMES_DROPPED_NO_POOL_FITS);
        droppedNotReady = metricGroup.counter(FRAMES_DROPPED_NOT_READY);
        rejected = metricGroup.counter(RECORDS_REJECTED);
        metricGroup.gauge(CURRENT_SEQ, () -> currentSeq);
        metricGroup.gauge(EPOCH, () -> epoch);
        final int streamId = producer.streamId();
        metricGroup.gauge(STREAM_ID, () -> streamId);

        scheduleDutyCycle();
    }

    @Override
    public void write(final T element, final Context context) throws IOException
    {
        // the timer covers idle time; under load run the duty cycle every few records rather than on each one
        if ((++writes & DUTY_CYCLE_RECORD_MASK) == 0)
        {
            producer.doWork();
        }

        final int length = schema.payloadLength(element);
        if (length < 0)
        {
            onRejected(length, "invalid payload length");
            return;
        }

        final long seq = producer.tryClaim(length, claim);
        if (seq < 0)
        {
            onClaimFailed(seq, length);
            return;
        }

        slot.wrap(claim);
        try
        {
            schema.serialize(element, slot);
        }
        catch (final RuntimeException ex)
        {
            producer.abort(claim);
            throw ex;
        }

        final long committed = producer.commit(claim);
        if (committed < 0)
        {
            if (committed == SinkFrameProducer.INVALID_LAYOUT)
            {
                onRejected(committed, "tensor description breaks a layout rule");
            }
            else
            {
                onClaimFailed(committed, length);
            }
            return;
        }

        currentSeq = committed;
        epoch = producer.epoch();
        numRecordsSend.inc();
        numBytesSend.inc(length);
    }

    /** Nothing is buffered: every frame is published in {@link #write}; only run the duty cycle. */
    @Override
    public void flush(final boolean endOfInput)
    {
        producer.doWork();
    }

    @Override
    public void onProcessingTime(final long time)
    {
        if (!closed)
        {
            producer.doWork();
            epoch = producer.epoch();
            scheduleDutyCycle();
        }
    }

    /** Detach (the driver releases the lease and the stream); idempotent. */
    @Override
    public void close()
    {
        if (!closed)
        {
            closed = true;
            if (null != dutyCycleTimer)
            {
                dutyCycleTimer.cancel(false);
            }
            LOG.info("detaching stream={} epoch={} lastSeq={} sent={} droppedNoPoolFits={} droppedNotReady={} " +
                "rejected={}", producer.streamId(), epoch, currentSeq, numRecordsSend.getCount(),
                droppedNoPoolFits.getCount(), droppedNotReady.getCount(), rejected.getCount());
            producer.close();
        }
    }

    private void scheduleDutyCycle()
    {
        dutyCycleTimer = timeService.registerTimer(
            timeService.getCurrentProcessingTime() + dutyCycleIntervalMs, this);
    }

    private void onClaimFailed(final long code, final int length) throws IOException
    {
        numRecordsSendErrors.inc();
        if (code == SinkFrameProducer.NO_POOL_FITS)
        {
            droppedNoPoolFits.inc();
            if (!warnedNoPoolFits)
            {
                warnedNoPoolFits = true;
                LOG.warn("dropping frames larger than every pool stream={} length={} maxPayload={} " +
                    "(counted in {}; logged once)", producer.streamId(), length, producer.maxPayloadLength(),
                    FRAMES_DROPPED_NO_POOL_FITS);
            }
        }
        else if (code == SinkFrameProducer.NOT_READY)
        {
            droppedNotReady.inc();
            if (!warnedNotReady)
            {
                warnedNotReady = true;
                LOG.warn("dropping frames while the producer re-attaches stream={} epoch={} (counted in {}; " +
                    "logged once)", producer.streamId(), epoch, FRAMES_DROPPED_NOT_READY);
            }
        }
        else if (code == SinkFrameProducer.CLOSED)
        {
            throw lostProducer();
        }
        else
        {
            throw new IOException("stream=" + producer.streamId() + ": unexpected claim result " + code);
        }
    }

    private void onRejected(final long code, final String reason)
    {
        numRecordsSendErrors.inc();
        rejected.inc();
        final boolean layout = code == SinkFrameProducer.INVALID_LAYOUT;
        if (layout ? !warnedInvalidLayout : !warnedInvalidLength)
        {
            if (layout)
            {
                warnedInvalidLayout = true;
            }
            else
            {
                warnedInvalidLength = true;
            }
            LOG.warn("dropping records: {} stream={} schema={} (counted in {}; logged once)", reason,
                producer.streamId(), schema, RECORDS_REJECTED);
        }
    }

    private IOException lostProducer()
    {
        return new IOException("stream=" + producer.streamId() + " epoch=" + epoch + ": the producer lost its " +
            "lease or was closed; failing the task so a restart attaches again");
    }
}
