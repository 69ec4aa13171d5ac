# Copyright (c) mmadmd contributors. All rights reserved.
"""The discrepancy mask of ADMD (ADMD_SPEC.md, section 2).

This is the one implementation of the mask. :class:`~mmadmd.models.ADMDLoss`
computes it through a :class:`DiscrepancyMasker` module, whose outputs
:class:`~mmadmd.models.DiscrepancyMaskRecorder` records with forward hooks:
the recorder sees exactly the masks the loss used, so the two can never
disagree.
"""
import math
from typing import Dict

import torch
import torch.nn as nn
import torch.nn.functional as F

MASK_TYPES = ('softmax', 'linear')
NORMALIZE_TYPES = ('channel', 'none')
_EPS = 1e-6


def normalize_feature(feat: torch.Tensor) -> torch.Tensor:
    """Standardize a feature map per channel over (N, H, W), as PKD does.

    Args:
        feat (torch.Tensor): Feature map of shape (N, C, H, W).

    Returns:
        torch.Tensor: ``(feat - mean) / (std + 1e-6)`` with per-channel mean
        and unbiased std, shape (N, C, H, W). A channel with a single value
        over (N, H, W) (e.g. a 1x1 level of one image) has std 0 here, so it
        standardizes to 0, not NaN.
    """
    mean = feat.mean(dim=(0, 2, 3), keepdim=True)
    if feat.shape[0] * feat.shape[2] * feat.shape[3] > 1:
        std = feat.std(dim=(0, 2, 3), keepdim=True)
    else:  # the unbiased std of one value is NaN; the spec defines it as 0
        std = torch.zeros_like(mean)
    return (feat - mean) / (std + _EPS)


def pixel_error(feat_s: torch.Tensor,
                feat_t: torch.Tensor,
                normalize: str = 'channel') -> torch.Tensor:
    """Per-pixel squared error ``e = mean_c (T - S)^2``, with gradient.

    Args:
        feat_s (torch.Tensor): Aligned student feature, (N, C, H, W).
        feat_t (torch.Tensor): Teacher feature, (N, C, H, W).
        normalize (str): ``'channel'`` to standardize both per channel
            first, ``'none'`` for raw features. Defaults to ``'channel'``.

    Returns:
        torch.Tensor: Error map of shape (N, H, W).
    """
    if normalize == 'channel':
        feat_s, feat_t = normalize_feature(feat_s), normalize_feature(feat_t)
    return (feat_t - feat_s).pow(2).mean(dim=1)


@torch.no_grad()
def discrepancy_mask(error: torch.Tensor,
                     tau: float = 1.0,
                     mask_type: str = 'softmax') -> torch.Tensor:
    """Discrepancy mask from a per-pixel error map; mean 1 per image.

    ``d = sqrt(e)`` is made scale-free per image, ``dn = d / (mean_hw(d) +
    1e-6)``; the mask is ``H*W * softmax_hw(dn / tau)`` (``'softmax'``) or
    ``dn`` (``'linear'``). No gradient flows through the mask.

    Args:
        error (torch.Tensor): Per-pixel squared error, shape (N, H, W).
        tau (float): Softmax temperature; large values tend to a uniform
            mask. Defaults to 1.0.
        mask_type (str): ``'softmax'`` or ``'linear'``. Defaults to
            ``'softmax'``.

    Returns:
        torch.Tensor: Mask of shape (N, H, W), detached, float32.
    """
    if mask_type not in MASK_TYPES:
        raise ValueError(f'mask_type must be one of {MASK_TYPES}, '
                         f'got {mask_type!r}')
    n, h, w = error.shape
    dis = error.detach().float().clamp_min(0).sqrt().flatten(1)
    dis = dis / (dis.mean(dim=1, keepdim=True) + _EPS)
    if mask_type == 'softmax':
        dis = F.softmax(dis / tau, dim=1) * (h * w)
    return dis.view(n, h, w)


@torch.no_grad()
def mask_statistics(error: torch.Tensor, mask: torch.Tensor,
                    top: float = 0.01) -> Dict[str, float]:
    """Where a mask puts its weight, averaged over the images of a level.

    Args:
        error (torch.Tensor): Per-pixel error ``e``, shape (N, H, W).
        mask (torch.Tensor): Its mask ``M`` (mean 1 per image), same shape.
        top (float): Share of the pixels whose weight ``top_share``
            reports. Defaults to 0.01 (the top 1 %).

    Returns:
        dict: ``support``, the mask's effective support ``exp(entropy) /
        (H*W)`` (1 for a uniform mask, 1/(H*W) for a single pixel);
        ``top_share``, the share of the weight held by the top ``top`` of
        the pixels; ``masked_over_plain``, ``mean(M * e) / mean(e)``, how
        much the mask inflates the level's loss over plain MSE.
    """
    n, h, w = error.shape
    weight = mask.detach().float().flatten(1)
    p = weight / weight.sum(dim=1, keepdim=True).clamp_min(1e-30)
    entropy = -(p * p.clamp_min(1e-30).log()).sum(dim=1)
    k = max(1, math.ceil(top * h * w))
    err = error.detach().float().flatten(1)
    ratio = (weight * err).mean(dim=1) / err.mean(dim=1).clamp_min(_EPS)
    return dict(
        support=(entropy.exp() / (h * w)).mean().item(),
        top_share=p.topk(k, dim=1).values.sum(dim=1).mean().item(),
        masked_over_plain=ratio.mean().item())


class DiscrepancyMasker(nn.Module):
    """:func:`discrepancy_mask` as a module, so that its outputs can be
    recorded through forward hooks (as mmrazor's recorders record modules).

    :class:`~mmadmd.models.ADMDLoss` computes every level's mask through its
    ``masker``, an instance of this; the module has no parameters or
    buffers, so checkpoints are unchanged.
    """

    def forward(self, error: torch.Tensor, tau: float = 1.0,
                mask_type: str = 'softmax') -> torch.Tensor:
        """See :func:`discrepancy_mask`."""
        return discrepancy_mask(error, tau, mask_type)
