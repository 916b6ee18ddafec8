package io.tensorpool.examples.demo;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The demo pipeline, media driver, SHM driver, discovery, camera, job and report in one JVM, every result checked
 * against its camera frame: with the core engine, and with the Flink MiniCluster job that README's first command runs.
 */
class CameraDemoTest
{
    @Test
    void corePipelineDeliversResultsThatMatchTheirCameraFrames() throws Exception
    {
        assertTrue(CameraDemo.run("core", 30, 60), "the demo reports PASSED");
    }

    @Test
    void flinkPipelineDeliversResultsThatMatchTheirCameraFrames() throws Exception
    {
        assertTrue(CameraDemo.run("flink", 30, 60), "the demo reports PASSED");
    }
}
