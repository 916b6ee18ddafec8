package io.tensorpool.flink.source.reader;

import io.tensorpool.flink.source.FrameTimestampAssigner;
import io.tensorpool.flink.source.StartingPosition;
import io.tensorpool.flink.source.TensorPoolDeserializationSchema;
import io.tensorpool.flink.source.split.TensorPoolSplit;
import io.tensorpool.shm.FrameView;
import org.agrona.concurrent.AgentTerminationException;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.apache.flink.annotation.Internal;
import org.apache.flink.connector.base.source.reader.RecordsBySplits;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.splitreader.SplitReader;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsAddition;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsChange;
import org.agrona.CloseHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Polls every split of one reader on the fetch thread and builds records inside each frame's commit window.
 * <p>
 * Per frame: the consumer validated it through the seqlock path; the deserialization schema builds the record from
 * the payload in shared memory; then the commit word is checked again and, if the producer overwrote the slot
 * meanwhile, the record is thrown away and counted ({@code dropsCommitWindow}), never emitted. Frames at or below the
 * split's last emitted seq of the same epoch are skipped, so a restored split never repeats a frame of its epoch:
 * it asks its consumer for the ring first and keeps only frames above its checkpointed seq, then live frames.
 * <p>
 * A split whose stream cannot be attached yet is retried every fetch (warned once); one that was retired by the
 * enumerator or reached its bounded end is reported finished.
 *
 * @param <T> the record type.
 */
@Internal
public final class TensorPoolSplitReader<T> implements SplitReader<FetchedFrame<T>, TensorPoolSplit>
{
    private static final Logger LOG = LoggerFactory.getLogger(TensorPoolSplitReader.class);
    private static final int POLL_CHUNK = 8;
    private static final int MAX_POLLS_PER_FETCH = 256;
    private static final long MAX_EMPTY_FETCH_NS = TimeUnit.MILLISECONDS.toNanos(100);

    private final TensorPoolConnection connection;
    private final TensorPoolDeserializationSchema<T> schema;
    private final FrameTimestampAssigner timestamps;
    private final StartingPosition startingPosition;
    private final ReaderSettings settings;
    private final ReaderMetrics metrics;
    private final Set<String> retired;
    private final Map<String, Cursor> cursors = new LinkedHashMap<>();
    private final IdleStrategy idle;
    private volatile boolean wakeUp;

    private RecordsBySplits.Builder<FetchedFrame<T>> batch;
    private long batchBytes;
    private int fetchedFrames;
    private boolean finishedAny;

    /**
     * @param connection       this reader's connection (owned by the source reader, which closes it).
     * @param schema           builds records; opened by the caller.
     * @param timestamps       event time of frames; opened by the caller.
     * @param startingPosition where fresh splits start.
     * @param settings         fetch limits and bounded-read settings.
     * @param metrics          per-split metrics of this reader.
     * @param retired          ids of splits the enumerator retired (shared with the task thread).
     */
    public TensorPoolSplitReader(
        final TensorPoolConnection connection,
        final TensorPoolDeserializationSchema<T> schema,
        final FrameTimestampAssigner timestamps,
        final StartingPosition startingPosition,
        final ReaderSettings settings,
        final ReaderMetrics metrics,
        final Set<String> retired)
    {
        this.connection = connection;
        this.schema = schema;
        this.timestamps = timestamps;
        this.startingPosition = startingPosition;
        this.settings = settings;
        this.metrics = metrics;
        this.retired = retired;
        this.idle = new BackoffIdleStrategy(64, 16, TimeUnit.MICROSECONDS.toNanos(10),
            settings.maxIdleNanos());
    }

    @Override
    public RecordsWithSplitIds<FetchedFrame<T>> fetch() throws IOException
    {
        batch = new RecordsBySplits.Builder<>();
        batchBytes = 0;
        int frames = 0;
        boolean finished = false;
        final long deadline = System.nanoTime() + MAX_EMPTY_FETCH_NS;
        // Hand nothing to the task thread until there is something: each hand-over wakes it, and a fetch thread
        // spinning through empty batches competes for the cores the producer and the job need. Split changes and
        // closing wake this loop up (wakeUp()).
        while (true)
        {
            final int work = pollSplits();
            frames += fetchedFrames;
            finished |= finishedAny;
            if (frames > 0 || finished || wakeUp || cursors.isEmpty() || System.nanoTime() - deadline > 0)
            {
                break;
            }
            if (work == 0)
            {
                idle.idle();
            }
            else
            {
                idle.reset(); // consumed descriptors of lost frames: catch up at once
            }
        }
        if (frames > 0 || finished)
        {
            idle.reset();
        }
        wakeUp = false;
        final RecordsBySplits<FetchedFrame<T>> result = batch.build();
        batch = null;
        return result;
    }

    private int pollSplits() throws IOException
    {
        fetchedFrames = 0;
        finishedAny = false;
        int work = 0;
        final Iterator<Cursor> it = cursors.values().iterator();
        while (it.hasNext())
        {
            final Cursor cursor = it.next();
            if (retired.contains(cursor.splitId))
            {
                LOG.info("tensorpool source: split={} retired by the enumerator", cursor.splitId);
                finish(cursor, it);
                finishedAny = true;
                continue;
            }
            if (cursor.source == null && !cursor.tryOpen())
            {
                continue;
            }
            try
            {
                work += cursor.fetch();
            }
            catch (final UncheckedIOException ex)
            {
                throw ex.getCause();
            }
            cursor.publishMetrics();
            if (cursor.done)
            {
                LOG.info("tensorpool source: split={} reached its bounded end after {} frames", cursor.splitId,
                    cursor.emittedCount);
                finish(cursor, it);
                finishedAny = true;
            }
        }
        return work;
    }

    @Override
    public void handleSplitsChanges(final SplitsChange<TensorPoolSplit> change)
    {
        if (!(change instanceof SplitsAddition))
        {
            throw new UnsupportedOperationException("unsupported splits change " + change.getClass().getName());
        }
        for (final TensorPoolSplit split : change.splits())
        {
            final Cursor cursor = new Cursor(split, metrics.forSplit(split.splitId()));
            cursors.put(split.splitId(), cursor);
            cursor.tryOpen();
        }
    }

    @Override
    public void wakeUp()
    {
        wakeUp = true;
    }

    @Override
    public void close()
    {
        for (final Cursor cursor : cursors.values())
        {
            CloseHelper.quietClose(cursor.source);
        }
        cursors.clear();
    }

    private void finish(final Cursor cursor, final Iterator<Cursor> it)
    {
        CloseHelper.quietClose(cursor.source);
        it.remove();
        batch.addFinishedSplit(cursor.splitId);
    }

    /**
     * Progress of one split on the fetch thread; its callback is allocated once.
     */
    private final class Cursor implements FrameCallback
    {
        final TensorPoolSplit split;
        final String splitId;
        final SplitMetrics splitMetrics;
        FrameSource source;
        long epoch;
        long lastSeq;
        long emittedCount;
        long dropsCommitWindow;
        long rejected;
        long epochChanges;
        boolean done;
        boolean openFailureLogged;

        Cursor(final TensorPoolSplit split, final SplitMetrics splitMetrics)
        {
            this.split = split;
            this.splitId = split.splitId();
            this.splitMetrics = splitMetrics;
            this.epoch = split.epoch();
            this.lastSeq = split.lastSeq();
            this.emittedCount = split.framesEmitted();
            this.done = emittedCount >= settings.stopAfterFrames();
        }

        boolean tryOpen()
        {
            try
            {
                // A restored split asks for the ring first; onFrame drops what it already emitted, so it resumes
                // right after its checkpointed seq if that epoch is still mapped, or at the oldest frame of a new one.
                source = connection.open(split, split.hasPosition() ? StartingPosition.EARLIEST_IN_RING :
                    startingPosition);
                LOG.info("tensorpool source: attached split={} epoch={} resumeEpoch={} resumeAfterSeq={}",
                    splitId, source.epoch(), epoch, lastSeq);
                return true;
            }
            catch (final AgentTerminationException ex)
            {
                throw ex;
            }
            catch (final Exception ex)
            {
                if (!openFailureLogged)
                {
                    openFailureLogged = true;
                    LOG.warn("tensorpool source: cannot attach split={} yet, retrying: {}", splitId, ex.toString());
                }
                return false;
            }
        }

        /**
         * Poll until the stream has nothing more, or this fetch's frame or byte budget is used. Polls that only
         * consume descriptors of lost frames count as work: a split that fell behind catches up in one fetch
         * instead of a few descriptors per idle period.
         */
        int fetch()
        {
            final long emittedBefore = emittedCount;
            int work = 0;
            for (int polls = 0; polls < MAX_POLLS_PER_FETCH && !done; polls++)
            {
                final long fetched = emittedCount - emittedBefore;
                if (fetched >= settings.maxFramesPerFetch() || batchBytes >= settings.maxBytesPerFetch())
                {
                    break;
                }
                final int limit = (int)Math.min(POLL_CHUNK, settings.maxFramesPerFetch() - fetched);
                final int polled = source.poll(this, limit);
                if (polled == 0)
                {
                    break;
                }
                work += polled;
            }
            fetchedFrames += (int)(emittedCount - emittedBefore);
            return work;
        }

        @Override
        public void onFrame(final FrameView frame)
        {
            if (done)
            {
                return;
            }
            final long frameEpoch = frame.epoch();
            final long seq = frame.seq();
            if (frameEpoch == epoch && seq <= lastSeq)
            {
                return; // already emitted (replay and live overlap, or restore)
            }
            final T record;
            try
            {
                record = schema.deserialize(frame, source.metadata(frame.metaVersion()));
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
            }
            if (!frame.stillCommitted())
            {
                dropsCommitWindow++;
                return;
            }
            if (epoch != TensorPoolSplit.NO_EPOCH && frameEpoch != epoch)
            {
                epochChanges++;
                LOG.info("tensorpool source: split={} epoch {} -> {} at seq={}", splitId, epoch, frameEpoch, seq);
            }
            epoch = frameEpoch;
            lastSeq = seq;
            if (record == null)
            {
                rejected++;
                return;
            }
            final long eventTime = timestamps.toEpochMillis(frame.timestampNs());
            if (eventTime >= settings.stopAtMillis())
            {
                done = true;
                return;
            }
            batch.add(splitId, new FetchedFrame<>(record, frameEpoch, seq, eventTime, frame.valuesLength()));
            batchBytes += frame.valuesLength();
            emittedCount++;
            if (emittedCount >= settings.stopAfterFrames())
            {
                done = true;
            }
        }

        void publishMetrics()
        {
            final SplitMetrics m = splitMetrics;
            if (lastSeq != m.fetchedSeq)
            {
                m.lastFrameNanos = System.nanoTime();
                m.fetchedSeq = lastSeq;
            }
            m.epoch = epoch;
            m.dropsGap = source.dropsGap();
            m.dropsLate = source.dropsLate();
            m.latestSeq = source.latestSeq();
            m.dropsCommitWindow = dropsCommitWindow;
            m.rejected = rejected;
            m.epochChanges = epochChanges;
        }
    }

    /**
     * @return ids of the splits currently held (for tests).
     */
    List<String> splitIds()
    {
        return new ArrayList<>(cursors.keySet());
    }
}
