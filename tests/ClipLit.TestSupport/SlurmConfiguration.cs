namespace ClipLit.TestSupport;

/// <summary>
/// The slurm.conf of a private single-node test cluster: every path in its own folder, its own
/// ports and MUNGE socket, jobs run as root, no accounting, scheduling without the usual delays.
/// </summary>
/// <param name="Folder">The cluster's folder (state, spool, logs, pid files).</param>
/// <param name="NodeName">The node's name, which is this host's short name (slurmctld and slurmd look for it).</param>
/// <param name="NodeHardware">The node's CPUs and memory as <c>slurmd -C</c> prints them (<c>CPUs=2 Boards=1 ...</c>).</param>
/// <param name="ControllerPort">slurmctld's TCP port.</param>
/// <param name="NodePort">slurmd's TCP port.</param>
/// <param name="MungeSocket">The private munged's socket.</param>
public sealed record SlurmConfiguration(string Folder, string NodeName, string NodeHardware, int ControllerPort, int NodePort, string MungeSocket)
{
    /// <summary>How long a finished job stays visible to <c>scontrol show job</c> (seconds).</summary>
    public const int FinishedJobSeconds = 300;

    public string Render() => $"""
        # A private single-node test cluster, written by ClipLit's test fixture (SlurmCluster).
        ClusterName=cliplit-test
        # Everything over loopback, so the host's name need not resolve.
        SlurmctldHost={NodeName}(127.0.0.1)
        SlurmctldPort={ControllerPort}
        SlurmdPort={NodePort}
        SlurmUser=root
        SlurmdUser=root
        AuthType=auth/munge
        CredType=cred/munge
        # The fixture's own munged, never the system's.
        AuthInfo=socket={MungeSocket}
        StateSaveLocation={Folder}/state
        SlurmdSpoolDir={Folder}/spool
        SlurmctldPidFile={Folder}/slurmctld.pid
        SlurmdPidFile={Folder}/slurmd.pid
        SlurmctldLogFile={Folder}/log/slurmctld.log
        SlurmdLogFile={Folder}/log/slurmd.log
        # No cgroups (none to delegate in a container); jobs are tracked by process group.
        ProctrackType=proctrack/pgid
        TaskPlugin=task/none
        JobAcctGatherType=jobacct_gather/none
        AccountingStorageType=accounting_storage/none
        JobCompType=jobcomp/none
        MpiDefault=none
        # Cores only: by default memory is consumable too, and a job without --mem takes the whole node.
        SelectType=select/cons_tres
        SelectTypeParameters=CR_Core
        # Schedule at submission and at each job's end instead of up to 3 s later (batch_sched_delay).
        SchedulerType=sched/builtin
        SchedulerParameters=batch_sched_delay=0
        # Finished jobs stay in scontrol's answers for this long (there is no accounting database).
        MinJobAge={FinishedJobSeconds}
        # A cancelled job's processes get SIGKILL this long after SIGTERM.
        KillWait=5
        ReturnToService=2
        # The node is what the configuration says even where slurmd finds less (a chosen CPU count).
        SlurmdParameters=config_overrides
        NodeName={NodeName} NodeAddr=127.0.0.1 {NodeHardware} State=UNKNOWN
        PartitionName=test Nodes=ALL Default=YES MaxTime=INFINITE State=UP

        """;
}
