package io.tensorpool.benchmarks;

import io.tensorpool.codecs.wire.Dtype;
import io.tensorpool.shm.FrameClaim;
import io.tensorpool.shm.FrameView;
import io.tensorpool.shm.PayloadPool;
import io.tensorpool.shm.SlotReader;
import io.tensorpool.shm.SlotWriter;
import io.tensorpool.tensor.TensorLayoutRules;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * The consumer read path (Wire §8.3, §10.2.1, §15.18) over a read-only consumer mapping, against its baseline in the
 * same run:
 * <ul>
 *     <li>{@code validate}: {@link SlotReader#begin} (first commit check, header read, second commit check, embedded
 *     header, pool, slot, length and tensor layout rules) plus {@link FrameView#stillCommitted()}: the per-frame cost
 *     of validation, independent of the frame size;</li>
 *     <li>{@code readCopy}: the same, plus copying the payload out between the checks
 *     ({@link FrameView#copyPayloadTo});</li>
 *     <li>{@code plainCopy}: copying the same bytes out of the same mapped slots into the same destination, nothing
 *     else.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {
    "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED"})
public class ReadPathBenchmark
{
    private static final int NSLOTS = 4;

    /** 64 B, 64 KiB, 640 KiB, 16 MiB. */
    @Param({"64", "65536", "655360", "16777216"})
    public int frameBytes;

    private BenchmarkStream stream;
    private SlotReader reader;
    private final FrameView view = new FrameView();
    private UnsafeBuffer destination;
    private UnsafeBuffer poolBuffer;
    private PayloadPool pool;
    private int index;

    @Setup(Level.Trial)
    public void setUp()
    {
        stream = new BenchmarkStream(NSLOTS, frameBytes, true);
        final SlotWriter writer = new SlotWriter(stream.producer);
        final FrameClaim claim = new FrameClaim();
        for (int seq = 0; seq < NSLOTS; seq++)
        {
            writer.claim(seq, frameBytes, claim);
            claim.buffer().setMemory(0, frameBytes, (byte)seq);
            claim.dtype(Dtype.UINT8).shape1d(frameBytes);
            if (claim.commit() != TensorLayoutRules.OK)
            {
                throw new IllegalStateException("setup commit failed");
            }
        }
        reader = new SlotReader(stream.consumer);
        for (int seq = 0; seq < NSLOTS; seq++)
        {
            if (reader.begin(seq, seq, view) != SlotReader.OK)
            {
                throw new IllegalStateException("setup read failed at " + seq);
            }
        }
        pool = stream.consumer.pool(0);
        poolBuffer = pool.region().buffer();
        destination = new UnsafeBuffer(ByteBuffer.allocateDirect(frameBytes));
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        stream.close();
    }

    @Benchmark
    public boolean validate()
    {
        final int i = index = (index + 1) & (NSLOTS - 1);
        // the slot index equals the sequence here: the setup committed seq 0..3 into slots 0..3
        return reader.begin(i, i, view) == SlotReader.OK && view.stillCommitted();
    }

    @Benchmark
    public boolean readCopy()
    {
        final int i = index = (index + 1) & (NSLOTS - 1);
        return reader.begin(i, i, view) == SlotReader.OK && view.copyPayloadTo(destination, 0);
    }

    @Benchmark
    public int plainCopy()
    {
        final int i = index = (index + 1) & (NSLOTS - 1);
        destination.putBytes(0, poolBuffer, pool.slotOffset(i), frameBytes);
        return i;
    }
}
