package io.tensorpool.benchmarks;

import io.tensorpool.codecs.wire.Dtype;
import io.tensorpool.shm.FrameClaim;
import io.tensorpool.shm.PayloadPool;
import io.tensorpool.shm.SlotWriter;
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
 * The producer commit path (Wire §8.3, §15.18) against its baseline in the same run:
 * <ul>
 *     <li>{@code commit}: claim the slot (IN-PROGRESS + fence), copy the payload into the claim, describe the tensor,
 *     commit (layout rules, full 256-byte header, COMMITTED);</li>
 *     <li>{@code plainCopy}: copy the same bytes from the same source into the same payload slots of the same mapped
 *     file, nothing else.</li>
 * </ul>
 * Throughput ratio = {@code plainCopy} time / {@code commit} time per size. {@code protocolOnly} is the commit path
 * without the copy: what the protocol adds to the copy.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {
    "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED"})
public class CommitPathBenchmark
{
    private static final int NSLOTS = 4;

    /** 64 B, 64 KiB, 640 KiB, 16 MiB. */
    @Param({"64", "65536", "655360", "16777216"})
    public int frameBytes;

    private BenchmarkStream stream;
    private SlotWriter writer;
    private final FrameClaim claim = new FrameClaim();
    private UnsafeBuffer source;
    private UnsafeBuffer poolBuffer;
    private PayloadPool pool;
    private long seq;

    @Setup(Level.Trial)
    public void setUp()
    {
        stream = new BenchmarkStream(NSLOTS, frameBytes, false);
        writer = new SlotWriter(stream.producer);
        pool = stream.producer.pool(0);
        poolBuffer = pool.region().buffer();
        source = new UnsafeBuffer(ByteBuffer.allocateDirect(frameBytes));
        for (int i = 0; i < frameBytes; i++)
        {
            source.putByte(i, (byte)i);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        stream.close();
    }

    @Benchmark
    public int commit()
    {
        final long s = seq++;
        writer.claim(s, frameBytes, claim);
        claim.buffer().putBytes(0, source, 0, frameBytes);
        claim.dtype(Dtype.UINT8).shape1d(frameBytes);
        return claim.commit();
    }

    /**
     * The commit path without the copy (claim, describe, commit): its fixed cost, which is all the commit path adds to
     * a plain copy. Measured in short operations it is robust on a loaded machine, where the two long copies are not.
     */
    @Benchmark
    public int protocolOnly()
    {
        final long s = seq++;
        writer.claim(s, frameBytes, claim);
        claim.dtype(Dtype.UINT8).shape1d(frameBytes);
        return claim.commit();
    }

    @Benchmark
    public int plainCopy()
    {
        final int slot = (int)(seq++ & (NSLOTS - 1));
        poolBuffer.putBytes(pool.slotOffset(slot), source, 0, frameBytes);
        return slot;
    }
}
