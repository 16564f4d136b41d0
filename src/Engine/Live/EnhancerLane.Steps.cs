using ClipLit.Renderer.Vulkan;

namespace ClipLit.Engine.Live;

/// <summary>A frame's way through an <see cref="EnhancerLane"/>: cut detection, the network worker's hand-over, the compose.</summary>
public sealed partial class EnhancerLane
{
    /// <summary>
    /// Frame <paramref name="frameIndex"/> (in <see cref="Input"/>) through the lane: checked for a
    /// scene cut, offered to the network when it is free (and waited for with
    /// <paramref name="lockstep"/>), then composed with the newest light map of its scene. Returns
    /// false, composing nothing, while the lane has no light map yet: with
    /// <paramref name="waitForFirst"/> it first waits for the network's first one.
    /// </summary>
    public bool Step(int frameIndex, bool lockstep, bool waitForFirst, CancellationToken cancellation)
    {
        // Every frame is pre-processed, so the cut detector compares consecutive frames (not the
        // few the network takes); the network copies its input when it takes a frame.
        _slot.FrameIndex = frameIndex;
        FollowMotion();
        if (_fresh is not null && !lockstep) return StepFresh(_fresh, _refiner!, frameIndex, cancellation);
        // A frame the lane waits for the network on, and one while the refiner's picture shows, take
        // the two-step path; every other frame one submission, redone at the (rare) cut it finds.
        if (lockstep || LightMapFrame is null || _refined) return StepDeciding(_path.PreProcess(_slot), frameIndex, lockstep, waitForFirst, cancellation);
        return StepInOneSubmission(frameIndex, cancellation);
    }

    /// <summary>
    /// The frame's pre-process, the network worker's input copy (when it is free), the newest light
    /// map's copy and the compose passes in one submission and one wait, assuming no scene cut; the
    /// thumbnail then says whether the frame cuts. It does, rarely: the light map taken belonged to
    /// the scene that ended (counted as dropped, not taken), and the frame goes the deciding path
    /// (its own light map, the refiner's or the network's waited for), composed again. The history
    /// the speculative compose blended into restarts with the new scene's first light map.
    /// </summary>
    private bool StepInOneSubmission(int frameIndex, CancellationToken cancellation)
    {
        RecordCommands? frame = _path.PreProcessCommands(_slot);
        bool offered = false;
        if (_network.IsIdle && _network.OfferInto(_slot, frameIndex, 0f, out var inputCopy))
        {
            frame += inputCopy;
            offered = true;
        }
        var shownBefore = (LightMapFrame, NetworkMilliseconds);
        bool took = TakeNewest(ref frame);
        if (!took) LightMapHistory.Hold(_slot);
        _path.Compose(_slot, frame);
        var (weight, cut) = _path.Observe(_slot);
        if (!cut)
        {
            if (offered) _network.Submitted(OfferedWeight(frameIndex, weight));
            return true;
        }
        if (took)
        {
            (LightMapFrame, NetworkMilliseconds) = shownBefore;
            LightMaps--;
            LightMapsOfModel--;
            _network.Untake();
        }
        Cuts++;
        _sceneStart = frameIndex;
        _network.DropOlderThan(frameIndex);
        _mapMotion?.DropOlderThan(frameIndex);
        // The cut frame itself, offered: its light map restarts the average (the network starts on it now).
        if (offered) _network.Submitted(OfferedWeight(frameIndex, weight));
        return LightCut(frameIndex, offeredAlready: offered, cancellation);
    }

    /// <summary>The weight of frame <paramref name="frameIndex"/>'s light map, offered now: the first of a scene (or of a new model) restarts the average.</summary>
    private float OfferedWeight(int frameIndex, float weight)
    {
        if (_restartAverage || _sceneStart > _lastOffered) weight = LightMapHistory.Restart;
        _restartAverage = false;
        _lastOffered = frameIndex;
        _mapMotion?.Begin(frameIndex);
        return weight;
    }

    /// <summary>
    /// A cut found after the frame's one submission (the lane had a light map, not lockstep): the
    /// cut frame lit as <see cref="StepDeciding"/> lights it, by the refiner at once or by the
    /// network waited for.
    /// </summary>
    private bool LightCut(int frameIndex, bool offeredAlready, CancellationToken cancellation)
    {
        CutFramesLit++;
        if (_refiner is not null)
        {
            _refiner.Estimate(Input.Span, frameIndex, cancellation);
            _refined = true;
            LightMapFrame = frameIndex;
            return true;
        }
        // A cheap network: wait for it (busy with a frame of the old scene, or already on the cut frame), then the cut frame's own light map.
        _network.WaitUntilIdle(cancellation);
        if (!offeredAlready)
        {
            _network.TryOffer(_slot, frameIndex, OfferedWeight(frameIndex, LightMapHistory.Restart));
            _network.WaitUntilIdle(cancellation);
        }
        // Composed a second time: the frame's motion was followed already (and across a cut it means nothing).
        _slot.HasMotion = false;
        RecordCommands? handOver = null;
        if (!TakeNewest(ref handOver)) LightMapHistory.Hold(_slot);
        _path.Compose(_slot, handOver);
        return true;
    }

    /// <summary>The frame pre-processed on its own (<paramref name="seen"/>): the cut decided before anything is offered or composed.</summary>
    private bool StepDeciding(FrameObservation seen, int frameIndex, bool lockstep, bool waitForFirst, CancellationToken cancellation)
    {
        var (weight, cut) = seen;
        // Nothing of another scene is on screen before the first light map: only later cuts need their own.
        bool lightCut = cut && !lockstep && LightMapFrame is not null;
        if (cut)
        {
            Cuts++;
            _sceneStart = frameIndex;
            _network.DropOlderThan(frameIndex);
            _mapMotion?.DropOlderThan(frameIndex);
        }
        bool waitForCut = lightCut && _refiner is null;
        // A cheap network busy with a frame of the old scene: wait for it, then give it the cut frame.
        if (waitForCut && !_network.IsIdle) _network.WaitUntilIdle(cancellation);
        // The copies to and from the network worker go to the GPU with the compose passes, in one
        // submission; a frame this step waits for the network on (lockstep, a cut, the lane's first
        // light map) has its input copied first, on its own, and so has a cut frame the refiner
        // lights meanwhile (the network starts on the new scene at once, beside the refiner).
        bool waitsForNetwork = lockstep || lightCut || LightMapFrame is null;
        RecordCommands? handOver = null;
        if (lockstep || _network.IsIdle)
        {
            // The first light map of a scene (or of a new model) restarts the average rather than blending into the old one.
            if (_restartAverage || _sceneStart > _lastOffered) weight = LightMapHistory.Restart;
            _restartAverage = false;
            if (waitsForNetwork) _network.TryOffer(_slot, frameIndex, weight);
            else if (_network.OfferInto(_slot, frameIndex, weight, out var inputCopy)) handOver += inputCopy;
            _lastOffered = frameIndex;
            _mapMotion?.Begin(frameIndex);
            if (lockstep || waitForCut) _network.WaitUntilIdle(cancellation);
        }
        if (lightCut && _refiner is not null)
        {
            _refiner.Estimate(Input.Span, frameIndex, cancellation);
            _refined = true;
            LightMapFrame = frameIndex;
        }
        if (lightCut) CutFramesLit++;
        if (TakeNewest(ref handOver))
        {
            // The lane's own light map of this scene: it replaces the cheap one.
            _refined = false;
        }
        else
        {
            LightMapHistory.Hold(_slot);
            if (LightMapFrame is null)
            {
                if (!waitForFirst)
                {
                    SubmitAlone(handOver);
                    return false;
                }
                // Nothing to divide by yet: the very first light map is still being computed.
                _network.WaitUntilIdle(cancellation);
                if (!TakeNewest(ref handOver))
                {
                    SubmitAlone(handOver);
                    return false;
                }
            }
        }
        if (_refined)
        {
            SubmitAlone(handOver);
            if (!lightCut) _refiner!.Hold(Input.Span, frameIndex);
            return true;
        }
        _path.Compose(_slot, handOver);
        _network.Submitted();
        return true;
    }

    /// <summary>
    /// Following motion: this frame's motion from the one before (the average follows it every frame)
    /// and every offered frame's place, carried one frame further.
    /// </summary>
    private void FollowMotion()
    {
        _slot.HasMapMotion = false;
        if (!_path.TracksMotion) return;
        _path.TrackMotion(_slot);
        if (_slot.HasMotion) _mapMotion!.Advance(_slot.Motion);
    }

    /// <summary>The hand-over copies of a frame that is not composed now, alone; then the offered frame's network run starts.</summary>
    private void SubmitAlone(RecordCommands? handOver)
    {
        if (handOver is not null) _path.Renderer.Run(_slot, handOver);
        _network.Submitted();
    }

    /// <summary>The network's newest light map, its copy into the slot added to <paramref name="handOver"/>; false when none arrived.</summary>
    private bool TakeNewest(ref RecordCommands? handOver)
    {
        if (!_network.TakeNewestInto(_slot, out var finished, out var copy)) return false;
        handOver += copy;
        LightMapHistory.Hand(_slot, finished.TemporalWeight);
        // Following motion, the map is fetched where its frame's content is on this frame.
        _slot.HasMapMotion = _mapMotion?.Take(finished.FrameIndex, _slot.MapMotion) ?? false;
        LightMapFrame = finished.FrameIndex;
        NetworkMilliseconds = finished.Milliseconds;
        LightMaps++;
        LightMapsOfModel++;
        return true;
    }
}
