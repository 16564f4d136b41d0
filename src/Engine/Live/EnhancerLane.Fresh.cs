namespace ClipLit.Engine.Live;

/// <summary>
/// A slow lane's frame lit where it is now (<see cref="FreshLightMap"/>): the cheap estimator runs
/// on every frame, the teacher on the newest frame whenever it is free, and each shown frame's light
/// map is the teacher's newest carried to it, corrected by the student's map of the frame itself.
/// </summary>
public sealed partial class EnhancerLane
{
    /// <summary>
    /// Frame <paramref name="frameIndex"/> through a lane with a <see cref="FreshLightMap"/>: checked
    /// for a scene cut (the teacher's maps of the old scene are dropped), offered to the teacher when
    /// it is free, the teacher's newest map taken, the student run on the frame; composed with the
    /// combination, or, before the scene's first teacher map, with the student's own map (as fast
    /// quality shows it). Always composes.
    /// </summary>
    private bool StepFresh(FreshLightMap fresh, CutRefiner student, int frameIndex, CancellationToken cancellation)
    {
        var (_, cut) = _path.PreProcess(_slot);
        if (cut)
        {
            Cuts++;
            if (LightMapFrame is not null) CutFramesLit++;
            _sceneStart = frameIndex;
            _network.DropOlderThan(frameIndex);
            _mapMotion!.DropOlderThan(frameIndex);
            fresh.Forget();
        }
        // The student first: its map of an offered frame is kept for when the teacher's arrives.
        student.EstimateMap(Input.Span, frameIndex, cancellation);
        if (_network.IsIdle && _network.TryOffer(_slot, frameIndex, LightMapHistory.Restart))
        {
            _restartAverage = false;
            _lastOffered = frameIndex;
            _mapMotion!.Begin(frameIndex);
            fresh.Offered(frameIndex, student.LightMap);
        }
        if (_network.TryTakeNewest(_slot, out var finished))
        {
            if (fresh.Took(finished.FrameIndex, _slot.NetworkLightMap.Span))
            {
                NetworkMilliseconds = finished.Milliseconds;
                LightMaps++;
                LightMapsOfModel++;
            }
            else _network.Untake(); // its frame's student map is not kept (never expected): counted as dropped
        }
        if (fresh.TeacherFrame is { } teacherFrame && _mapMotion!.Read(teacherFrame, fresh.Field))
        {
            fresh.Combine(student.LightMap, _slot.NetworkLightMap);
            // The combination is this frame's own map: it stands alone, nothing to fetch or follow.
            LightMapHistory.Hand(_slot, LightMapHistory.Restart);
            _slot.HasMotion = false;
            _slot.HasMapMotion = false;
            _path.Compose(_slot);
            _refined = false;
            LightMapFrame = teacherFrame;
            return true;
        }
        // No teacher map of this scene yet: the student's own, as fast quality shows the frame.
        student.ComposeEstimated();
        _refined = true;
        LightMapFrame = frameIndex;
        return true;
    }
}
