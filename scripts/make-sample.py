#!/usr/bin/python3
"""Builds resources/sample/ from Debian's mricron-data package (run once; the output is committed).

Scan: ch2bet.nii.gz, the skull-stripped MNI "Colin 27" single-subject T1 brain.
Labels: deep grey nuclei from the AAL atlas (drawn on the same subject, same grid):
caudate (AAL 71, 72) -> 1, putamen (73, 74) -> 2, thalamus (77, 78) -> 3.
"""
import shutil
import nibabel as nib
import numpy as np

SRC = '/usr/share/mricron/templates'
OUT = 'resources/sample'

shutil.copyfile(f'{SRC}/ch2bet.nii.gz', f'{OUT}/colin27-t1.nii.gz')
scan = nib.load(f'{SRC}/ch2bet.nii.gz')
aal = nib.load(f'{SRC}/aal.nii.gz')
assert aal.shape == scan.shape and np.allclose(aal.affine, scan.affine)
atlas = np.asarray(aal.dataobj)
labels = np.zeros(atlas.shape, np.uint8)
for value, codes in {1: (71, 72), 2: (73, 74), 3: (77, 78)}.items():
    labels[np.isin(atlas, codes)] = value
out = nib.Nifti1Image(labels, scan.affine, scan.header.copy())
out.set_data_dtype(np.uint8)
out.header['scl_slope'] = 1
out.header['scl_inter'] = 0
nib.save(out, f'{OUT}/colin27-deep-grey.nii.gz')
for v in (1, 2, 3):
    ks = np.nonzero(labels == v)[2]
    print(v, int((labels == v).sum()), 'voxels, k', ks.min(), '..', ks.max())
