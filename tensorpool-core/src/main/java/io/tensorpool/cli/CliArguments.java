package io.tensorpool.cli;

import io.tensorpool.shm.ShmLayout;

/** Checks of command-line values that picocli's type conversion cannot express; each failure is a usage error. */
final class CliArguments
{
    private CliArguments()
    {
    }

    static CliFailure usage(final String message)
    {
        return new CliFailure(message, TensorPoolCommand.EXIT_USAGE, null);
    }

    /** A stream id is a non-zero u32. */
    static int streamId(final long value)
    {
        if (value <= 0 || value > 0xFFFF_FFFFL)
        {
            throw usage("--stream must be a stream id in 1.." + 0xFFFF_FFFFL + ", was " + value);
        }
        return (int)value;
    }

    /** A {@code --count} of frames: 0 means no limit, negative is a usage error. */
    static long count(final long value)
    {
        if (value < 0)
        {
            throw usage("--count must not be negative, was " + value);
        }
        return value;
    }

    /** An unsigned 32-bit option value. */
    static int u32(final String option, final long value)
    {
        if (value < 0 || value > 0xFFFF_FFFFL)
        {
            throw usage(option + " must be in 0.." + 0xFFFF_FFFFL + ", was " + value);
        }
        return (int)value;
    }

    /** @return ndims. */
    static int checkShape(final int[] shape)
    {
        if (shape == null || shape.length < 1 || shape.length > ShmLayout.MAX_DIMS)
        {
            throw usage("--shape needs 1.." + ShmLayout.MAX_DIMS + " dimensions, was " +
                (shape == null ? 0 : shape.length));
        }
        for (final int dim : shape)
        {
            if (dim <= 0)
            {
                throw usage("--shape dimensions must be positive, was " + shapeText(shape, shape.length));
            }
        }
        return shape.length;
    }

    static long elementCount(final int[] shape)
    {
        long count = 1;
        for (final int dim : shape)
        {
            count *= dim;
            if (count > Integer.MAX_VALUE)
            {
                throw usage("--shape " + shapeText(shape, shape.length) + " is larger than 2 GiB");
            }
        }
        return count;
    }

    /**
     * The pool stride for frames of {@code frameBytes}: the next power of two, at least one page (Wire §15.22), with
     * the whole pool mappable in one region.
     */
    static int strideFor(final long frameBytes, final int nslots)
    {
        long stride = ShmLayout.PAGE_SIZE;
        while (stride < frameBytes)
        {
            stride <<= 1;
        }
        if (!ShmLayout.isPowerOfTwo(nslots))
        {
            throw usage("--nslots must be a power of two, was " + nslots);
        }
        if (ShmLayout.payloadPoolSize(nslots, (int)Math.min(stride, Integer.MAX_VALUE)) > Integer.MAX_VALUE ||
            stride > (1L << 30))
        {
            throw usage(nslots + " slots of " + frameBytes + "-byte frames need a pool over 2 GiB; lower --nslots");
        }
        return (int)stride;
    }

    static String shapeText(final int[] shape, final int ndims)
    {
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < ndims; i++)
        {
            sb.append(i == 0 ? "" : ",").append(shape[i]);
        }
        return sb.toString();
    }
}
