#!/bin/bash
# Chapter 3: the first network namespace (the book's commands, run as root).
set -e
ip netns add helloworld
