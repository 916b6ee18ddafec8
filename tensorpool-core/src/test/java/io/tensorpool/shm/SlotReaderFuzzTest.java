package io.tensorpool.shm;

import io.tensorpool.codecs.wire.Dtype;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Hostile slot contents never crash the reader and never yield a frame that could send a consumer outside its
 * payload: random header bytes under a valid commit word, biased towards passing the early checks so the tensor
 * rules see adversarial shapes and strides. Every accepted frame is re-checked with exact (BigInteger) arithmetic.
 */
class SlotReaderFuzzTest
{
    private static final int NSLOTS = 4;
    private static final int STRIDE = 4096;
    private static final int INDEX = 2;
    private static final int SLOT = 64 + INDEX * 256;
    private static final long SEQ = 6;

    @TempDir
    Path dir;

    @Test
    void randomHeadersNeverEscapeThePayload()
    {
        try (ShmTestStream stream = new ShmTestStream(dir, 1, 1, NSLOTS, STRIDE))
        {
            final UnsafeBuffer ring = stream.ringBytes();
            final FrameView view = new FrameView();
            final SplittableRandom random = new SplittableRandom(0x5EED);
            final int[] statusCounts = new int[12];
            int accepted = 0;
            for (int iteration = 0; iteration < 200_000; iteration++)
            {
                for (int offset = 8; offset < 256; offset += 4)
                {
                    ring.putInt(SLOT + offset, random.nextInt());
                }
                ring.putLong(SLOT, SeqCommit.committed(SEQ));
                if (random.nextInt(8) != 0)
                {
                    makePlausible(ring, random);
                }
                final int status = stream.reader.begin(INDEX, SEQ, view);
                statusCounts[status]++;
                if (status == SlotReader.OK)
                {
                    accepted++;
                    assertWithinPayload(view);
                }
            }
            assertTrue(accepted > 100, "the fuzzer must reach accepted frames too: " + accepted);
            assertTrue(statusCounts[SlotReader.BAD_TENSOR_LAYOUT] > 1000, "and tensor rejections");
        }
    }

    /** Valid embedded header, pool, slot and offset; small-ish random tensor description. */
    private static void makePlausible(final UnsafeBuffer ring, final SplittableRandom random)
    {
        ring.putInt(SLOT + 8, random.nextInt(STRIDE + 1));
        ring.putInt(SLOT + 12, INDEX);
        ring.putShort(SLOT + 16, (short)1);
        ring.putInt(SLOT + 18, 0);
        ring.putInt(SLOT + 60, 192);
        ring.putShort(SLOT + 64, (short)184);
        ring.putShort(SLOT + 66, (short)52);
        ring.putShort(SLOT + 68, (short)900);
        ring.putShort(SLOT + 70, (short)1);
        ring.putShort(SLOT + 72, (short)random.nextInt(16));
        ring.putShort(SLOT + 74, (short)random.nextInt(4));
        final int ndims = random.nextInt(10);
        ring.putByte(SLOT + 76, (byte)ndims);
        ring.putByte(SLOT + 78, (byte)random.nextInt(4));
        final boolean contiguous = random.nextBoolean();
        for (int i = 0; i < 8; i++)
        {
            final int dim = random.nextInt(4) == 0 ? random.nextInt() : random.nextInt(20);
            ring.putInt(SLOT + 83 + 4 * i, dim);
            final int stride = contiguous ? 0 : random.nextInt(4) == 0 ? random.nextInt() : random.nextInt(1, 600);
            ring.putInt(SLOT + 115 + 4 * i, stride);
        }
        if (random.nextBoolean())
        {
            ring.putInt(SLOT + 79, 0);
        }
    }

    private static void assertWithinPayload(final FrameView view)
    {
        assertTrue(view.valuesLength() >= 0 && view.valuesLength() <= STRIDE, "values_len " + view.valuesLength());
        assertEquals(view.valuesLength(), view.payload().capacity());
        assertTrue(view.ndims() >= 1 && view.ndims() <= 8);
        final int elementSize = view.elementSize();
        assertTrue(elementSize > 0, "dtype " + view.dtypeRaw());
        BigInteger extent = BigInteger.valueOf(elementSize);
        for (int i = 0; i < view.ndims(); i++)
        {
            assertTrue(view.dim(i) >= 0);
            assertTrue(view.stride(i) >= 0);
            if (view.dim(i) == 0)
            {
                return; // empty tensor: addresses nothing
            }
            extent = extent.add(BigInteger.valueOf(view.dim(i) - 1L).multiply(BigInteger.valueOf(view.stride(i))));
        }
        assertTrue(extent.compareTo(BigInteger.valueOf(view.valuesLength())) <= 0,
            "extent " + extent + " beyond values_len " + view.valuesLength());
        if (view.progressUnit() != io.tensorpool.codecs.wire.ProgressUnit.NONE)
        {
            assertTrue(view.progressStrideBytes() > 0);
        }
        assertNotEquals(Dtype.NULL_VAL, view.dtype());
    }
}
