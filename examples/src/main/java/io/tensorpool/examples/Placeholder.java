package io.tensorpool.examples;

final class Placeholder
{
}
