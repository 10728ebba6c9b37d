# Extra CTest labels for single test cases, applied when CTest reads the test list (each test
# directory adds this file to its TEST_INCLUDE_FILES after gtest_discover_tests' own files, so
# the <binary>_TESTS lists are known). Binaries that are not built simply have no list.
#   concurrency  run under ThreadSanitizer with several netdiskd I/O threads (test-sanitizers.sh)
#   no-asan      skipped in the ASan+UBSan build, for the reason given beside it

# Each of these drives work on several threads at once, where a data race would live.
set(_netdisk_concurrency_tests
  # chat fan-out: one broadcast crosses every I/O thread's outboxes
  [[^Chat\.TwoHundredMembersAllReceiveABroadcast$]]
  # a slow member is dropped on its thread while the others keep receiving on theirs
  [[^Chat\.AMemberThatNeverReadsIsDropped]]
  # membership churn on one thread while another reads who() and contains()
  [[^ChatRoom\.WhoAndContainsStayValidWhileMembersJoinAndLeaveOnAnotherThread$]]
  # chat and a transfer of the same user on two connections, possibly two threads
  [[^Chat\.WorksWhileTheSameUserTransfersAFileOnAnotherConnection$]]
  # 200 concurrent registrations: the registry's group commit fed from every I/O thread
  [[^Accounts\.TwoHundredConcurrentRegistrationsGiveExactlyTwoHundredRows$]]
  # the bounded Argon2id pool and the login throttle under a storm from many connections
  [[^Accounts\.ALoginStormIsBoundedAndAnsweredWithBusyNotACrash$]]
  # session tokens are shared by connections on different threads, and revoked by one of them
  [[^Accounts\.ATokenLogsInASecondConnectionUntilLogoutRevokesIt$]]
  # 2000 idle connections spread over the I/O threads, the shared connection count
  [[^Scale\.TwoThousandIdleConnectionsAllStillAnswerPing$]]
  [[^Limits\.ConnectionsOverTheMaximumAreRefusedWithAClearErrorNotAHang$]]
  # shutdown reaches into every I/O thread's connections from the main thread
  [[^Shutdown\.SigtermTellsIdleClientsAndExitsCleanly$]]
  # parallel transfers of one file: uploads racing on one name, a download during an overwrite
  [[Files\.TwoClientsUploadingTheSameNameAtOnceEndWithOneCompleteVersion]]
  [[Files\.ADownloadRunningWhileTheFileIsOverwrittenYieldsTheCompleteOldContent]]
  # the client's own parallel transfers (one thread per connection)
  [[^ClientFiles\.SeveralFilesTransferConcurrentlyAndEachGetsOneSummaryLine$]]
  [[^ClientFiles\.UserFlagWorksForTransfersOverSeveralConnections$]]
  # storage used from many threads at once: group commit, hashing pool, one store
  [[^UserRegistry\.GroupCommitsConcurrentRegistrations$]]
  [[^UserRegistry\.OneRewriteCarriesEveryRegistrationQueuedMeanwhile$]]
  [[^PasswordHasher\.HashesAndVerifiesFromManyThreadsAtOnce$]]
  [[^UploadTest\.ConcurrentCallsOnOneStoreDoNotInterfere$]]
  [[^UploadTest\.TheSamePartialCannotBeWrittenByTwoUploadsAtOnce$]]
  # conditional commits of one name from many threads: the NameLock spans check and rename
  [[^TargetCheckTest\.ConcurrentConditionalUploadsOfOneVersionHaveExactlyOneWinner$]]
  [[^HttpConditionalTest\.ConcurrentPutsOfOneVersionHaveExactlyOneWinner$]]
  # the verified-credential cache: inserts, lookups and evictions from many threads at once
  [[^CredentialCache\.ManyThreadsRememberCheckAndForgetAtOnce$]]
  # Basic requests on 8 connections at once, spread over the I/O threads, share one cache
  [[^BasicCredentialCache\.ManyConnectionsAtOnceShareOneArgon2idVerification$]]
  [[^PasswordCheck\.ConcurrentChecksOfTheSamePasswordOnTwoThreadsRunOneArgon2id$]]
  # chat bursts posted from other I/O threads to a member whose writer comes and goes
  [[^IdleOutbox\.ChatBurstsToAMemberThatJustWentIdleAllArriveInOrderAcrossIoThreads$]]
  # the sessions file's group commit: logins from many threads share a few rewrites
  [[^SessionBookTest\.ALoginStormIsGroupCommittedIntoAFewRewrites$]]
  # the storage space kept per I/O thread for keep-alive requests of two users at once
  [[^SmallDownload\.AKeepAliveConnectionNeverServesOneUsersFilesToAnother$]]
  # a SIGHUP reload stores live settings on the blocking pool while I/O threads read them
  [[^ServiceReload\.SighupAppliesLiveSettingsAndLogsThoseThatNeedARestart$]]
  # the metrics' relaxed counters, fed by every I/O thread and read by a scrape on the pool
  [[^Metrics\.CountersMoveAfterTransfersAFailedLoginAChatMessageAndEveryTransport$]])

# Tests that cannot mean anything under ASan; each with its one-line reason.
set(_netdisk_no_asan_tests
  # bounds the server's RSS growth; ASan's shadow memory and quarantine make RSS meaningless
  [[^Chat\.AMemberThatNeverReadsIsDropped]]
  # bounds the server's PSS growth per idle connection; likewise meaningless under ASan
  [[^IdleMemory\.]]
  # bounds the server's peak growth over a 20,000-entry PROPFIND; the quarantine keeps every
  # freed listing page, so under ASan the peak grows by the whole answer and more
  [[^DavTest\.PropfindOfTwentyThousandEntriesStreamsInBoundedServerMemory$]]
  # exhausts netdiskd's descriptors on purpose; UBSan's vptr check then cannot open the pipe it
  # probes memory with, and reports a false "invalid vptr" on boost::system::error_category
  # (seen once in a fresh-clone run; the test runs in the default stage)
  [[^FdExhaustion\.OutOfDescriptorsTheServerDoesNotSpinAndServesAgainWhenConnectionsClose$]])

get_cmake_property(_netdisk_variables VARIABLES)
foreach(_list IN LISTS _netdisk_variables)
  if(NOT _list MATCHES "_TESTS$")
    continue()
  endif()
  set(_kind unit)
  if(_list MATCHES "^e2e_")
    set(_kind e2e)
  endif()
  foreach(_test IN LISTS ${_list})
    set(_labels ${_kind})
    foreach(_pattern IN LISTS _netdisk_concurrency_tests)
      if(_test MATCHES "${_pattern}")
        list(APPEND _labels concurrency)
        break()
      endif()
    endforeach()
    foreach(_pattern IN LISTS _netdisk_no_asan_tests)
      if(_test MATCHES "${_pattern}")
        list(APPEND _labels no-asan)
        break()
      endif()
    endforeach()
    if(NOT _labels STREQUAL _kind)
      set_tests_properties(${_test} PROPERTIES LABELS "${_labels}")
    endif()
  endforeach()
endforeach()
